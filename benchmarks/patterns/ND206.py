"""ND206: map() with a lambda."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    return list(map(lambda value: value * 2 + 1, values))

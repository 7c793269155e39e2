"""ND207: all() over a list comprehension while validating (every item passes)."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    return all([value >= 0 for value in values])


def advised(values):
    return all(value >= 0 for value in values)

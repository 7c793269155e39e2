"""ND201: list() around a generator expression."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    return list(value * 2 for value in values)

"""ND202: set() around a list comprehension."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    return set([value % 1000 for value in values])

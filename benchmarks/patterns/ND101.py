"""ND101: summing a list through a needless copy of it."""


def setup(n):
    return (list(range(n)),)


def entry(values: list):
    total = 0
    for value in list(values):
        total += value
    return total

"""ND108: a module constant read on every iteration."""

SCALE = 3


def setup(n):
    return (list(range(n)),)


def entry(values):
    total = 0
    for value in values:
        total += value * SCALE
    return total


def advised(values):
    scale = SCALE
    total = 0
    for value in values:
        total += value * scale
    return total

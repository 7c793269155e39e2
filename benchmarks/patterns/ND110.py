"""ND110: `math.sqrt` looked up through the module on every iteration."""

import math


def setup(n):
    return (list(range(n)),)


def entry(values):
    total = 0.0
    for value in values:
        total += math.sqrt(value)
    return total


def advised(values):
    from math import sqrt

    total = 0.0
    for value in values:
        total += sqrt(value)
    return total

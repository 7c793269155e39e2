"""Count monotone lattice paths through a grid with blocked cells."""

from functools import cache


@cache
def paths(row, col):
    if row == 0 or col == 0:
        return 1
    if (row * 7 + col * 3) % 11 == 0:
        return 0
    return paths(row - 1, col) + paths(row, col - 1)


def entry():
    return [paths(n, n) for n in range(4, 14)]

"""ND315: counting lattice paths with plain recursion (grid side grows with log10 n)."""


def paths(right, down):
    if right == 0 or down == 0:
        return 1
    return paths(right - 1, down) + paths(right, down - 1)


def setup(n):
    side = 7 + len(str(n))
    return (side,)


def entry(side):
    # every call starts cold: the fixed version's cache would otherwise answer from earlier calls
    getattr(paths, "cache_clear", lambda: None)()
    return paths(side, side)

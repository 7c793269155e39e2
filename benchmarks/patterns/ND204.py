"""ND204: list() around sorted()."""


def setup(n):
    return ([(i * 7919) % max(n, 1) for i in range(max(n, 1))],)


def entry(values):
    return list(sorted(values))

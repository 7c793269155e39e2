"""ND212: flattening rows of ten with sum(rows, [])."""


def setup(n):
    return ([list(range(10)) for _ in range(n // 10)],)


def entry(rows):
    return sum(rows, [])

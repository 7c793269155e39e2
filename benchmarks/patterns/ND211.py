"""ND211: the first key of a large dict through a list copy."""


def setup(n):
    return ({f"k{i}": i for i in range(max(n, 1))},)


def entry(table):
    return list(table)[0]

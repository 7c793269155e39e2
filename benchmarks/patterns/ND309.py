"""ND309: checking a dict's size through a copy of its keys."""


def setup(n):
    return ({i: i for i in range(n)},)


def entry(table):
    return len(list(table.keys())) > 0

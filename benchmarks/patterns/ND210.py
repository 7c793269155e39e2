"""ND210: membership tested in a dict's keys() view, once per item."""


def setup(n):
    return ({i: i for i in range(0, n, 2)}, list(range(n)))


def entry(table, queries):
    hits = 0
    for query in queries:
        if query in table.keys():
            hits += 1
    return hits

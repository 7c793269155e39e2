"""ND316: membership in a list copy of a dict's keys, once per query."""


def setup(n):
    return ({i: i for i in range(0, n, 2)}, list(range(0, n, max(1, n // 100))))


def entry(table, queries):
    hits = 0
    for query in queries:
        if query in list(table.keys()):
            hits += 1
    return hits

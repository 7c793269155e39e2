"""ND213: a key check followed by the lookup, once per query."""


def setup(n):
    return ({i: i % 5 for i in range(0, n, 2)}, list(range(n)))


def entry(counts, queries):
    hits = 0
    for query in queries:
        if query in counts and counts[query]:
            hits += 1
    return hits

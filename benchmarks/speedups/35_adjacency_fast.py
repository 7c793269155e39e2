"""Build an adjacency list from an edge list and compute node degrees."""

from collections import defaultdict


def make_edges(n: int) -> list:
    return [(i % 3_000, (i * 7 + 1) % 3_000) for i in range(n)]


def entry():
    adjacency = defaultdict(list)
    for source, target in make_edges(60_000):
        adjacency[source].append(target)
        adjacency[target].append(source)
    degrees = {node: len(neighbours) for node, neighbours in adjacency.items()}
    return len(adjacency), max(degrees.values()), sum(degrees.values())

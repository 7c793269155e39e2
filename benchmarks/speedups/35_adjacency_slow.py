"""Build an adjacency list from an edge list and compute node degrees."""


def make_edges(n: int) -> list:
    return [(i % 3_000, (i * 7 + 1) % 3_000) for i in range(n)]


def entry():
    adjacency = {}
    for source, target in make_edges(60_000):
        if source not in adjacency.keys():
            adjacency[source] = []
        if target not in adjacency.keys():
            adjacency[target] = []
        adjacency[source].append(target)
        adjacency[target].append(source)
    degrees = {}
    for node, neighbours in adjacency.items():
        degrees[node] = len(neighbours)
    return len(adjacency), max(degrees.values()), sum(degrees.values())

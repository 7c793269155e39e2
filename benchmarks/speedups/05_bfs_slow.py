"""Breadth-first search distances from node 0 in a generated sparse graph."""

import random


def make_graph(n: int, degree: int) -> dict:
    rng = random.Random(5)
    return {v: [rng.randrange(n) for _ in range(degree)] for v in range(n)}


def entry():
    graph = make_graph(5_000, 3)
    distance = {0: 0}
    visited = [0]
    queue = [0]
    while queue:
        node = queue.pop(0)
        for neighbour in graph[node]:
            if neighbour not in visited:
                visited.append(neighbour)
                distance[neighbour] = distance[node] + 1
                queue.append(neighbour)
    return len(distance), max(distance.values()), sum(distance.values())

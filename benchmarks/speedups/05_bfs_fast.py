"""Breadth-first search distances from node 0 in a generated sparse graph."""

import random
from collections import deque


def make_graph(n: int, degree: int) -> dict:
    rng = random.Random(5)
    return {v: [rng.randrange(n) for _ in range(degree)] for v in range(n)}


def entry():
    graph = make_graph(5_000, 3)
    distance = {0: 0}
    queue = deque([0])
    while queue:
        node = queue.popleft()
        step = distance[node] + 1
        for neighbour in graph[node]:
            if neighbour not in distance:
                distance[neighbour] = step
                queue.append(neighbour)
    return len(distance), max(distance.values()), sum(distance.values())

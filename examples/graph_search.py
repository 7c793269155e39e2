"""Shortest paths and reachability on a small road network.

Performance problems on purpose: a list used as a FIFO queue (`pop(0)`), membership tests against
a list of visited nodes, and a naive recursive path count without memoization.

>>> shortest_path({"a": ["b"], "b": ["c"], "c": []}, "a", "c")
['a', 'b', 'c']
"""

from __future__ import annotations


def shortest_path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """Breadth-first search; returns the node list from start to goal or None."""
    queue = [start]
    visited = [start]
    parent: dict[str, str] = {}
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while node in parent:
                node = parent[node]
                path.append(node)
            return path[::-1]
        for neighbour in graph.get(node, []):
            if neighbour not in visited:
                visited.append(neighbour)
                parent[neighbour] = node
                queue.append(neighbour)
    return None


def count_paths(rows: int, cols: int) -> int:
    """Monotone lattice paths from the top-left to the bottom-right corner."""  # neurodebug: count_paths(2, 1)
    if rows == 0 or cols == 0:
        return 1
    return count_paths(rows - 1, cols) + count_paths(rows, cols - 1)


def degree_table(graph: dict[str, list[str]]) -> dict[str, int]:
    """In-degree of every node."""  # neurodebug: degree_table({"a": ["b", "c"], "b": ["c"], "c": []})
    degrees = {}
    for node in graph:
        degrees[node] = 0
    for node in graph:
        for neighbour in graph[node]:
            degrees[neighbour] = degrees.get(neighbour, 0) + 1
    return degrees


def grid_graph(width: int, height: int) -> dict[str, list[str]]:
    """A grid of `width` x `height` nodes joined right and down."""  # neurodebug: grid_graph(2, 2)
    graph: dict[str, list[str]] = {}
    for x in range(width):
        for y in range(height):
            edges = []
            if x + 1 < width:
                edges.append(f"{x + 1},{y}")
            if y + 1 < height:
                edges.append(f"{x},{y + 1}")
            graph[f"{x},{y}"] = edges
    return graph


def main() -> str:  # neurodebug: main()
    graph = grid_graph(30, 30)
    path = shortest_path(graph, "0,0", "29,29")
    degrees = degree_table(graph)
    busiest = max(degrees.values())
    return f"path length {len(path or [])}, paths(10, 10) = {count_paths(10, 10)}, max in-degree {busiest}\n"


if __name__ == "__main__":
    print(main(), end="")

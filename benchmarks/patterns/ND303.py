"""ND303: a breadth-first walk over a binary heap layout with a list as the queue."""


def setup(n):
    return (n,)


def entry(n):
    order = []
    queue = [0]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for child in (2 * node + 1, 2 * node + 2):
            if child < n:
                queue.append(child)
    return order

import queue


def bfs_levels(graph, start):
    levels = {start: 0}  # data: start@4 ; control:
    pending = queue.Queue()  # data: ; control:
    pending.put(start)  # data: start@4 ; control:
    while not pending.empty():  # data: pending@6 pending@7 pending@9 pending@13 ; control: 8
        node = pending.get()  # data: pending@6 pending@7 pending@9 pending@13 ; control: 8
        for neighbor in graph.get(node, []):  # data: graph@4 node@9 ; control: 8 10
            if neighbor not in levels:  # data: neighbor@10 levels@5 levels@12 ; control: 10
                levels[neighbor] = levels[node] + 1  # data: neighbor@10 levels@5 levels@12 node@9 ; control: 11
                pending.put(neighbor)  # data: neighbor@10 ; control: 11
    return levels  # data: levels@5 levels@12 ; control:

"""Best value of a 0/1 knapsack by dynamic programming over capacities."""

WEIGHTS = (12, 7, 11, 8, 9, 6, 13, 5, 10, 4, 14, 3, 15, 7, 9, 12, 8, 6, 11, 5)
VALUES = (24, 13, 23, 15, 16, 11, 28, 8, 19, 6, 30, 5, 31, 14, 17, 25, 15, 10, 21, 9)


def entry():
    capacity = 60
    best = [0] * (capacity + 1)
    for weight, value in zip(WEIGHTS, VALUES):
        for c in range(capacity, weight - 1, -1):
            best[c] = max(best[c], best[c - weight] + value)
    return best[capacity]

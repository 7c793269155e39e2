"""Best value of a 0/1 knapsack by plain recursion over the items."""

WEIGHTS = (12, 7, 11, 8, 9, 6, 13, 5, 10, 4, 14, 3, 15, 7, 9, 12, 8, 6, 11, 5)
VALUES = (24, 13, 23, 15, 16, 11, 28, 8, 19, 6, 30, 5, 31, 14, 17, 25, 15, 10, 21, 9)


def best(index, capacity):
    if index == len(WEIGHTS):
        return 0
    if WEIGHTS[index] > capacity:
        return best(index + 1, capacity)
    return max(
        best(index + 1, capacity), VALUES[index] + best(index + 1, capacity - WEIGHTS[index])
    )


def entry():
    return best(0, 60)

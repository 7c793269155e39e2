"""ND216: indexing the list that enumerate() already yields."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    total = 0
    for index, value in enumerate(values):
        total += index * values[index]
    return total

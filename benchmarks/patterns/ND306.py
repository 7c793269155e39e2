"""ND306: the repeated values of a list, counted with list.count (n / 4 distinct)."""


def setup(n):
    return ([i % (n // 4 + 1) for i in range(n)],)


def entry(values: list[int]):
    repeated = set()
    for value in values:
        if values.count(value) > 3:
            repeated.add(value)
    return repeated


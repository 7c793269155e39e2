"""ND310: the same lookup made twice in one condition."""


def setup(n):
    return (list(range(n)), {i: i % 7 for i in range(0, n, 2)}, 3)


def entry(keys, stats, limit):
    hot = []
    for key in keys:
        if stats.get(key) and stats.get(key) > limit:
            hot.append(key)
    return hot


def advised(keys, stats, limit):
    hot = []
    for key in keys:
        count = stats.get(key)
        if count and count > limit:
            hot.append(key)
    return hot

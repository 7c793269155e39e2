"""Levenshtein distance between short product codes, by dynamic programming."""


def distance(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def entry():
    pairs = [
        ("kitten", "sitting"),
        ("flaw", "lawn"),
        ("abcdef", "azced"),
        ("sunday", "saturn"),
        ("sunday", "saturday"),
    ]
    return [distance(a, b) for a, b in pairs]

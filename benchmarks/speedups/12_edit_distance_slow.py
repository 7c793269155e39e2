"""Levenshtein distance between short product codes, by plain recursion."""


def distance(a, b):
    if not a:
        return len(b)
    if not b:
        return len(a)
    cost = 0 if a[-1] == b[-1] else 1
    return min(distance(a[:-1], b) + 1, distance(a, b[:-1]) + 1, distance(a[:-1], b[:-1]) + cost)


def entry():
    pairs = [
        ("kitten", "sitting"),
        ("flaw", "lawn"),
        ("abcdef", "azced"),
        ("sunday", "saturn"),
        ("sunday", "saturday"),
    ]
    return [distance(a, b) for a, b in pairs]

"""ND221: adding transformed items to a set one at a time."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    seen = set()
    for value in values:
        seen.add(value % 1000)
    return seen


def advised(values):
    seen = set()
    seen.update(value % 1000 for value in values)
    return seen

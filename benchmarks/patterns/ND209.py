"""ND209: a validation loop that returns on the first bad item (every item passes)."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    for value in values:
        if value < 0:
            return True
    return False


def advised(values):
    return any(value < 0 for value in values)

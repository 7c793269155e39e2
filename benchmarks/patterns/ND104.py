"""ND104: filtering and transforming with append in a loop."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    doubled = []
    for value in values:
        if value % 3:
            doubled.append(value * 2)
    return doubled

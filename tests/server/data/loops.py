# neurodebug: running_total([3, 1, 4])
def running_total(values):
    total = 0
    for value in values:
        total += value
    return total


def describe(n):
    """Say how big n is.

    >>> describe(7)
    'big'
    """
    if n > 5:
        label = "big"
    else:
        label = "small"
    return label

"""ND105: copying an iterable element by element."""


def setup(n):
    return (tuple(range(n)),)


def entry(values):
    copied = []
    for value in values:
        copied.append(value)
    return copied

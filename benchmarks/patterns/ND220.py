"""ND220: removing items from a set after a membership check."""


def setup(n):
    return (set(range(0, n, 2)), list(range(n)))


def entry(pending: set, done):
    for item in done:
        if item in pending:
            pending.remove(item)
    return len(pending)

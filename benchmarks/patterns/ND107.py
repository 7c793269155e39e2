"""ND107: a threshold recomputed from ten settings on every row."""


def setup(n):
    return (list(range(n)), list(range(10)))


def entry(rows, thresholds):
    flagged = 0
    for row in rows:
        limit = max(thresholds) * 2
        if row > limit:
            flagged += 1
    return flagged

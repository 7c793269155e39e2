"""ND219: emptying a small batch buffer with del buffer[:]."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    batch = []
    flushed = 0
    for value in values:
        batch.append(value)
        if len(batch) == 8:
            flushed += sum(batch)
            del batch[:]
    return flushed

"""ND106: building a dict with stores in a loop."""


def setup(n):
    return ([(f"k{i}", i) for i in range(n)],)


def entry(pairs):
    index = {}
    for key, value in pairs:
        index[key] = value * 2
    return index

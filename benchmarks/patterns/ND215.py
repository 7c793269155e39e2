"""ND215: looking up the value that items() already gave."""


def setup(n):
    return ({f"k{i}": i for i in range(n)},)


def entry(scores):
    pairs = []
    for name, score in scores.items():
        pairs.append((name, scores[name]))
    return pairs

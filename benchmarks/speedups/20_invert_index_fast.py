"""Invert a document → terms mapping into a term → documents index."""

from collections import defaultdict


def make_documents(n: int) -> dict:
    return {f"doc{i}": [f"t{(i * k) % 300}" for k in range(1, 15)] for i in range(n)}


def entry():
    index = defaultdict(list)
    for name, terms in make_documents(6_000).items():
        for term in terms:
            index[term].append(name)
    sizes = {term: len(names) for term, names in index.items()}
    return len(index), sorted(sizes.items())[:4]

"""Score the terms of each document by tf-idf and keep the best term per document."""

import math
from collections import Counter


def make_documents(n: int) -> list:
    return [[f"t{(d * k + k * k) % 200}" for k in range(1, 30)] for d in range(n)]


def entry():
    documents = make_documents(1_500)
    document_frequency = Counter(term for terms in documents for term in set(terms))
    total = len(documents)
    idf = {term: math.log(total / count) for term, count in document_frequency.items()}
    best = []
    for terms in documents:
        size = len(terms)
        scores = {term: count / size * idf[term] for term, count in Counter(terms).items()}
        best.append(max(sorted(scores), key=scores.get))
    return best[:5], len(set(best))

"""Score the terms of each document by tf-idf and keep the best term per document."""

import math


def make_documents(n: int) -> list:
    return [[f"t{(d * k + k * k) % 200}" for k in range(1, 30)] for d in range(n)]


def entry():
    documents = make_documents(1_500)
    document_frequency = {}
    for terms in documents:
        for term in set(terms):
            document_frequency[term] = document_frequency.get(term, 0) + 1
    best = []
    for terms in documents:
        scores = {}
        for term in terms:
            idf = math.log(len(documents) / document_frequency[term])
            scores[term] = terms.count(term) / len(terms) * idf
        best.append(max(sorted(scores), key=scores.get))
    return best[:5], len(set(best))

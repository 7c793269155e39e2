"""Invert a document → terms mapping into a term → documents index."""


def make_documents(n: int) -> dict:
    return {f"doc{i}": [f"t{(i * k) % 300}" for k in range(1, 15)] for i in range(n)}


def entry():
    documents = make_documents(6_000)
    index = {}
    for name in documents.keys():
        for term in documents[name]:
            if term not in index.keys():
                index[term] = []
            index[term].append(name)
    sizes = {}
    for term in index:
        sizes[term] = len(index[term])
    return len(index), sorted(sizes.items())[:4]

"""ND214: one name compared with two constants."""


def setup(n):
    kinds = ["get", "post", "put", "head"]
    return ([kinds[i % 4] for i in range(n)],)


def entry(methods):
    reads = 0
    for method in methods:
        if method == "get" or method == "head":
            reads += 1
    return reads


def advised(methods):
    reads = 0
    for method in methods:
        if method in ("get", "head"):
            reads += 1
    return reads

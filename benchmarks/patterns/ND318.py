"""ND318: an update() that copies each small mapping it is given (n / 10 mappings of 10 keys)."""


def setup(n):
    return ([{f"k{j}": i + j for j in range(10)} for i in range(max(1, n // 10))],)


def entry(mappings: list):
    target = {}
    for other in mappings:
        for key in other.keys():
            target[key] = other[key]
    return target

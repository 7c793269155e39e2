"""Length of the Collatz sequence for every start value, and the longest one."""


def entry():
    known = {1: 1}
    lengths = []
    for start in range(1, 10_000):
        path = []
        n = start
        while n not in known:
            path.append(n)
            n = n // 2 if n % 2 == 0 else 3 * n + 1
        length = known[n]
        for value in reversed(path):
            length += 1
            known[value] = length
        lengths.append(known[start])
    best = lengths.index(max(lengths)) + 1
    return best, max(lengths), sum(lengths)

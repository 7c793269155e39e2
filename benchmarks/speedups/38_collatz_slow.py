"""Length of the Collatz sequence for every start value, and the longest one."""


def collatz_length(n):
    if n == 1:
        return 1
    if n % 2 == 0:
        return 1 + collatz_length(n // 2)
    return 1 + collatz_length(3 * n + 1)


def entry():
    lengths = []
    for start in range(1, 10_000):
        lengths.append(collatz_length(start))
    best = lengths.index(max(lengths)) + 1
    return best, max(lengths), sum(lengths)

"""Fibonacci numbers by the textbook recursion, summed over a range."""


def entry():
    out = [0, 1]
    while len(out) < 28:
        out.append(out[-1] + out[-2])
    return out

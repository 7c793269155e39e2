"""Fibonacci numbers by the textbook recursion, summed over a range."""


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def entry():
    return [fib(n) for n in range(28)]

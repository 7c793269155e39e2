def fact(n):
    if n <= 1:
        return 1
    rest = fact(n - 1)
    return n * rest


def f(n):
    value = fact(n)
    return value + 1

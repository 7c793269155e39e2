def evens(limit):
    n = 0
    while n < limit:
        if n % 2 == 0:
            yield n
        n += 1


def f(limit):
    seen = []
    for value in evens(limit):
        seen.append(value * 10)
    total = sum(x for x in seen)
    return seen, total

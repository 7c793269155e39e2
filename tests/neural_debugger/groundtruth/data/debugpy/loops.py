def f(n, xs):
    total = 0
    for i in range(n):
        if i % 2 == 0:
            total += i
        else:
            total -= 1
    k = 0
    while k < len(xs) and xs[k] > 0:
        total += xs[k]
        k += 1
    return total

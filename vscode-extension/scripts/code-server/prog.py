# neurodebug: total([2, 4])
def total(items):
    """Sum the even items."""
    acc = 0
    for x in items:
        if x % 2 == 0:
            acc += x
        else:
            print("odd")
    return acc


def squares(n):
    out = [i * i for i in range(n)]
    for value in list(out):
        print(value)
    return out

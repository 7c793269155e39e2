def parse(text):
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def f(items):
    total = 0
    for item in items:
        try:
            total += parse(item)
        except ValueError:
            total -= 1
        finally:
            done = item
    return total, done


def g(items):
    return parse(items[0]) + 1

def total_of(values):
    total = 0
    for value in values:
        if value > 0:
            total += value
    return total


def copy_items(items):
    result = []
    for item in items:
        result.append(item)
    return result


def keys_of(mapping):
    keys = []
    for key, _ in mapping.items():
        keys.append(key)
    return keys


def tuple_scan(rows):
    for row in list([1, 2, 3]):
        print(row)


def broken(x:
    return x


def label(x):
    sep = None
    if sep is not None:
        return sep.join(x)
    return x

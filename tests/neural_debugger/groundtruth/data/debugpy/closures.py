def make_scaler(factor):
    offset = factor - 1

    def scale(value):
        return value * factor + offset

    return scale


def f(values):
    triple = make_scaler(3)
    out = []
    for value in values:
        out.append(triple(value))
    key = lambda v: -v
    return sorted(out, key=key)

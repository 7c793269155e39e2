"""ND304: building a CSV line by concatenation."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    line = ""
    for value in values:
        line += str(value) + ","
    return line

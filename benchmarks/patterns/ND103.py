"""ND103: parsing until the first bad line, with the try inside the loop."""


def setup(n):
    return ([str(i) for i in range(n)] + ["end"],)


def entry(lines):
    numbers = []
    for line in lines:
        try:
            numbers.append(int(line))
        except ValueError:
            break
    return numbers


def advised(lines):
    numbers = []
    try:
        for line in lines:
            numbers.append(int(line))
    except ValueError:
        pass
    return numbers

"""Evaluate polynomials at many points and count the sign changes."""


def entry():
    coefficients = [3, -2, 0, 5, -1, 2, 7, -4]
    points = [x / 1000 for x in range(-20_000, 20_000)]
    values = []
    for x in points:
        values.append(sum([c * x**k for k, c in enumerate(coefficients)]))
    changes = sum([1 for a, b in zip(values, values[1:]) if (a < 0) != (b < 0)])
    return changes, round(max(values), 6)

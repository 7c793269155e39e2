"""Evaluate polynomials at many points and count the sign changes."""


def entry():
    coefficients = (3, -2, 0, 5, -1, 2, 7, -4)
    reversed_coefficients = coefficients[::-1]
    values = []
    for x in (x / 1000 for x in range(-20_000, 20_000)):
        total = 0
        for c in reversed_coefficients:
            total = total * x + c
        values.append(total)
    changes = sum(1 for a, b in zip(values, values[1:]) if (a < 0) != (b < 0))
    return changes, round(max(values), 6)

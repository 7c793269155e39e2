"""Multiply two dense matrices with plain lists."""

from operator import mul


def make_matrix(n: int, seed: int) -> list:
    return [[(i * seed + j * 7) % 10 for j in range(n)] for i in range(n)]


def entry():
    a = make_matrix(100, 3)
    b = make_matrix(100, 5)
    columns = list(zip(*b))
    result = [[sum(map(mul, row, column)) for column in columns] for row in a]
    return sum(map(sum, result)), result[3][4]

"""Multiply two dense matrices with plain lists."""


def make_matrix(n: int, seed: int) -> list:
    return [[(i * seed + j * 7) % 10 for j in range(n)] for i in range(n)]


def entry():
    a = make_matrix(100, 3)
    b = make_matrix(100, 5)
    result = []
    for i in range(len(a)):
        row = []
        for j in range(len(b[0])):
            total = 0
            for k in range(len(b)):
                total += a[i][k] * b[k][j]
            row.append(total)
        result.append(row)
    return sum(map(sum, result)), result[3][4]

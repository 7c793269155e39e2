"""A program with one hot quadratic loop, one cheap loop and a function that never runs.

>>> unique_count(5)
5
"""

import sys


def unique_count(n):
    seen = []
    for i in range(n):
        if i not in seen:
            seen.append(i)
    return len(seen)


def cheap_total(n):
    total = 0
    for i in range(n):
        total += i
    return total


def never_called(items):
    doubled = set(
        [item * 2 for item in items]
    )
    return doubled


def counted(values):  # neurodebug: counted([3, 1, 2])
    return sorted(values)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    print(unique_count(size), cheap_total(size))

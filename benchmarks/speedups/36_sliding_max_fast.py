"""Maximum temperature over every 24-hour sliding window."""

from collections import deque


def make_temperatures(n: int) -> list:
    return [(i * 7919 % 400) / 10 - 5 for i in range(n)]


def entry():
    values = make_temperatures(40_000)
    candidates = deque()
    maxima = []
    for i, value in enumerate(values):
        while candidates and values[candidates[-1]] <= value:
            candidates.pop()
        candidates.append(i)
        if candidates[0] <= i - 24:
            candidates.popleft()
        if i >= 23:
            maxima.append(values[candidates[0]])
    return len(maxima), round(sum(maxima), 3)

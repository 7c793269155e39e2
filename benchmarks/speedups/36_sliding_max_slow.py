"""Maximum temperature over every 24-hour sliding window."""


def make_temperatures(n: int) -> list:
    return [(i * 7919 % 400) / 10 - 5 for i in range(n)]


def entry():
    window = []
    maxima = []
    for value in make_temperatures(40_000):
        window.append(value)
        if len(window) > 24:
            window.pop(0)
        if len(window) == 24:
            maxima.append(sorted(window)[-1])
    return len(maxima), round(sum(maxima), 3)

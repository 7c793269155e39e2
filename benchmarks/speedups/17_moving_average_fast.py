"""Weighted moving average of a price series."""


def make_prices(n: int) -> list:
    return [100 + (i * 37 % 23) - (i * 11 % 7) for i in range(n)]


def entry():
    prices = make_prices(30_000)
    weights = (1, 2, 3, 4, 5, 6, 7, 8)
    size = len(weights)
    scale = sum(weights)
    averages = [
        sum(w * p for w, p in zip(weights, prices[i - size : i])) / scale
        for i in range(size, len(prices) + 1)
    ]
    return len(averages), round(sum(averages), 6)

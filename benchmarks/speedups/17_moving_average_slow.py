"""Weighted moving average of a price series."""


def make_prices(n: int) -> list:
    return [100 + (i * 37 % 23) - (i * 11 % 7) for i in range(n)]


def entry():
    prices = make_prices(30_000)
    weights = [1, 2, 3, 4, 5, 6, 7, 8]
    averages = []
    for i in range(len(weights), len(prices) + 1):
        window = prices[i - len(weights) : i]
        total = sum(w * p for w, p in zip(weights, window))
        averages.append(total / sum(weights))
    return len(averages), round(sum(averages), 6)

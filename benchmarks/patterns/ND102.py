"""ND102: totalling a dict's values through items(), the keys thrown away."""


def setup(n):
    return ({f"k{i}": i for i in range(n)},)


def entry(prices):
    total = 0
    for _, price in prices.items():
        total += price
    return total

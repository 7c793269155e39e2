"""For each product, find the cheapest and dearest offer among its sellers."""

import random


def make_offers(n_products: int, per_product: int) -> dict:
    rng = random.Random(10)
    return {p: [rng.randrange(100, 10_000) for _ in range(per_product)] for p in range(n_products)}


def entry():
    offers = make_offers(4_000, 30)
    cheapest = {}
    dearest = {}
    for product, prices in offers.items():
        cheapest[product] = sorted(prices)[0]
        dearest[product] = sorted(prices)[-1]
    return sum(cheapest.values()), sum(dearest.values())

"""For each product, find the cheapest and dearest offer among its sellers."""

import random


def make_offers(n_products: int, per_product: int) -> dict:
    rng = random.Random(10)
    return {p: [rng.randrange(100, 10_000) for _ in range(per_product)] for p in range(n_products)}


def entry():
    offers = make_offers(4_000, 30)
    cheapest = {product: min(prices) for product, prices in offers.items()}
    dearest = {product: max(prices) for product, prices in offers.items()}
    return sum(cheapest.values()), sum(dearest.values())

"""Join orders to customers and total the revenue per country."""

import random


def make_tables(n_customers: int, n_orders: int):
    rng = random.Random(4)
    countries = ("DE", "FR", "US", "JP", "BR")
    customers = [(cid, countries[cid % 5]) for cid in range(n_customers)]
    orders = [(oid, rng.randrange(n_customers), rng.randrange(1, 500)) for oid in range(n_orders)]
    return customers, orders


def entry():
    customers, orders = make_tables(800, 3_000)
    country_of = dict(customers)
    revenue = {}
    for _order_id, customer_id, amount in orders:
        country = country_of[customer_id]
        revenue[country] = revenue.get(country, 0) + amount
    return sorted(revenue.items())

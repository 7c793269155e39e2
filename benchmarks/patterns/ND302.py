"""ND302: keeping the orders whose customer is on a blocked list (n / 10 customers)."""


def setup(n):
    blocked = list(range(0, n // 10 * 3, 3))
    return ([(i, i % (n // 10 + 1)) for i in range(n)], blocked)


def entry(orders, blocked: list):
    kept = []
    for order_id, customer in orders:
        if customer not in blocked:
            kept.append(order_id)
    return kept

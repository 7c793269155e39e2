"""ND307: joining orders to customers with nested loops (n / 10 customers)."""


def setup(n):
    customers = [(c, f"name{c}") for c in range(n // 10 + 1)]
    return ([(i, i % (n // 10 + 1)) for i in range(n)], customers)


def entry(orders, customers: list):
    joined = []
    for order_id, customer_id in orders:
        for key, name in customers:
            if key == customer_id:
                joined.append((order_id, name))
    return joined


"""Validate order records: every line item must have a positive quantity and a known SKU."""


def make_orders(n: int) -> list:
    skus = [f"sku{i}" for i in range(50)]
    return [[(skus[(i + k) % 50], (i * k) % 9) for k in range(1, 8)] for i in range(n)]


def has_bad_item(items, known):
    for sku, quantity in items:
        if quantity <= 0 or sku not in known:
            return True
    return False


def entry():
    known = {f"sku{i}" for i in range(45)}
    orders = make_orders(40_000)
    valid = []
    for items in orders:
        if not has_bad_item(items, known):
            valid.append(len(items))
    return len(valid), sum(valid)

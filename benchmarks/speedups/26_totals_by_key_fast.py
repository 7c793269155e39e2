"""Sum invoice amounts per customer and report the biggest customers."""


def make_invoices(n: int) -> dict:
    return {f"c{i}": [(i * k) % 997 for k in range(1, 9)] for i in range(n)}


def entry():
    totals = {customer: sum(amounts) for customer, amounts in make_invoices(40_000).items()}
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    return ranked[:5], totals[ranked[0]]

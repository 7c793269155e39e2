"""Sum invoice amounts per customer and report the biggest customers."""


def make_invoices(n: int) -> dict:
    return {f"c{i}": [(i * k) % 997 for k in range(1, 9)] for i in range(n)}


def entry():
    invoices = make_invoices(40_000)
    totals = {}
    for customer in invoices:
        totals[customer] = sum(invoices[customer])
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    return ranked[:5], totals[ranked[0]]

"""Price a shopping basket against a catalogue: totals per basket."""


def make_catalogue(n: int) -> dict:
    return {f"p{i}": round(1 + (i * 37 % 500) / 10, 2) for i in range(n)}


def entry():
    catalogue = make_catalogue(2_000)
    names = [f"p{i}" for i in range(2100)]
    baskets = [[names[(b * k) % 2100] for k in range(1, 12)] for b in range(12_000)]
    totals = []
    for basket in baskets:
        total = 0.0
        for product in basket:
            if product in catalogue and catalogue[product]:
                total += catalogue[product]
        totals.append(round(total, 2))
    return len(totals), round(sum(totals), 2)

"""Find the products sold in every region, from per-region sales tables."""


def make_sales(regions: int, products: int) -> dict:
    return {
        r: {f"prod{(r * 7 + k * 3) % products}": k for k in range(products // 2)}
        for r in range(regions)
    }


def entry():
    sales = make_sales(12, 3_000)
    everywhere = []
    for product in sales[0]:
        if all([product in list(table.keys()) for table in sales.values()]):
            everywhere.append(product)
    return len(everywhere), sorted(everywhere)[:3]

"""Inventory report: join stock levels with a product catalogue and summarise by category.

Contains real performance problems (a quadratic join, a membership test against a list in a loop,
string concatenation in a loop) and small functions worth stepping through.

>>> restock_list([("a", 2), ("b", 9)], threshold=5)
['a']
"""

from __future__ import annotations


def restock_list(stock: list[tuple[str, int]], threshold: int) -> list[str]:
    """Names of items whose quantity fell below `threshold`."""
    result = []
    for name, quantity in stock:
        if quantity < threshold:
            result.append(name)
    return result


def join_catalogue(
    stock: list[tuple[str, int]], catalogue: list[tuple[str, str, float]]
) -> list[tuple[str, str, int, float]]:
    """Attach category and unit price to every stocked item (sku, category, quantity, price)."""  # neurodebug: join_catalogue([("a", 2)], [("a", "t", 1.5)])
    rows = []
    for sku, quantity in stock:
        for catalogue_sku, category, price in catalogue:
            if sku == catalogue_sku:
                rows.append((sku, category, quantity, price))
    return rows


def value_by_category(rows: list[tuple[str, str, int, float]]) -> dict[str, float]:
    """Total stock value per category."""  # neurodebug: value_by_category([("a", "tools", 2, 1.5), ("b", "garden", 9, 2.0), ("c", "tools", 1, 3.0)])
    totals = {}
    for _sku, category, quantity, price in rows:
        if category not in list(totals.keys()):
            totals[category] = 0.0
        totals[category] = totals[category] + quantity * price
    return totals


def discontinued(stock: list[tuple[str, int]], active_skus: list[str]) -> list[str]:
    """SKUs in stock that the catalogue no longer lists."""  # neurodebug: discontinued([("a", 2), ("b", 9)], ["a"])
    gone = []
    for sku, _quantity in stock:
        if sku not in active_skus:
            gone.append(sku)
    return gone


def render(totals: dict[str, float]) -> str:
    """A plain-text table of the totals, largest first."""  # neurodebug: render({"tools": 6.0, "garden": 18.0})
    text = ""
    for category in sorted(totals, key=lambda c: -totals[c]):
        text += f"{category:<12}{totals[category]:>12.2f}\n"
    return text


def main() -> str:  # neurodebug: main()
    catalogue = [
        (f"sku{i}", ["tools", "garden", "kitchen"][i % 3], 1.5 + i % 7) for i in range(400)
    ]
    stock = [(f"sku{i}", (i * 37) % 50) for i in range(0, 600, 2)]
    rows = join_catalogue(stock, catalogue)
    report = render(value_by_category(rows))
    report += f"restock: {len(restock_list(stock, 5))} items\n"
    report += f"discontinued: {len(discontinued(stock, [sku for sku, _, _ in catalogue]))} items\n"
    return report


if __name__ == "__main__":
    print(main(), end="")

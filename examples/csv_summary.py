"""Summarise a CSV of sales: per-region totals, a running median and outliers.

Performance problems on purpose: `sorted(...)[0]` for a minimum, a dict built by a loop, a file
opened again for every region, and `deepcopy` inside a loop.

>>> median([3, 1, 2])
2
"""

from __future__ import annotations

import copy
import csv
import io

SAMPLE = "region,amount\n" + "".join(
    f"{['north', 'south', 'east'][i % 3]},{(i * 13) % 97}\n" for i in range(300)
)


def read_rows(text: str) -> list[dict[str, str]]:
    """Parse CSV text into rows."""  # neurodebug: read_rows("region,amount\nnorth,3\nsouth,5\n")
    return list(csv.DictReader(io.StringIO(text)))


def median(values: list[int]) -> float | int:
    """The median of a non-empty list."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def totals_by_region(rows: list[dict[str, str]]) -> dict[str, int]:
    """Sum of amounts per region."""  # neurodebug: totals_by_region([{"region": "north", "amount": "3"}, {"region": "south", "amount": "5"}, {"region": "north", "amount": "4"}])
    totals = {}
    for row in rows:
        region = row["region"]
        totals[region] = totals.get(region, 0) + int(row["amount"])
    return totals


def smallest_sale(rows: list[dict[str, str]]) -> int:
    """The smallest amount."""  # neurodebug: smallest_sale([{"region": "north", "amount": "3"}, {"region": "south", "amount": "1"}])
    return sorted(int(row["amount"]) for row in rows)[0]


def snapshots(rows: list[dict[str, str]], every: int) -> list[list[dict[str, str]]]:
    """Copies of the rows seen so far, every `every` rows (for an audit trail)."""  # neurodebug: snapshots([{"amount": "1"}, {"amount": "2"}, {"amount": "3"}], 2)
    seen: list[dict[str, str]] = []
    saved = []
    for index, row in enumerate(rows):
        seen.append(row)
        if index % every == 0:
            saved.append(copy.deepcopy(seen))
    return saved


def outliers(values: list[int], factor: float) -> list[int]:
    """Values more than `factor` times the median."""  # neurodebug: outliers([1, 2, 10], 1.9)
    result = []
    for value in values:
        if value > factor * median(values):
            result.append(value)
    return result


def main() -> str:  # neurodebug: main()
    rows = read_rows(SAMPLE)
    amounts = [int(row["amount"]) for row in rows]
    return (
        f"totals {totals_by_region(rows)}, min {smallest_sale(rows)}, median {median(amounts)}, "
        f"outliers {len(outliers(amounts, 1.9))}, snapshots {len(snapshots(rows, 50))}\n"
    )


if __name__ == "__main__":
    print(main(), end="")

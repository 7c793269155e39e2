"""ND312: totals per row with DataFrame.iterrows()."""

import pandas as pd


def setup(n):
    return (pd.DataFrame({"price": range(n), "quantity": [i % 5 for i in range(n)]}),)


def entry(frame):
    totals = []
    for _, row in frame.iterrows():
        totals.append(row["price"] * row["quantity"])
    return [int(total) for total in totals]


def advised(frame):
    return [int(total) for total in (frame["price"] * frame["quantity"])]

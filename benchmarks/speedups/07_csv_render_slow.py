"""Render a table of records as CSV text."""


def make_rows(n: int) -> list:
    return [(i, f"item-{i}", i * 3 % 101, round(i * 0.37, 2)) for i in range(n)]


def entry():
    text = ""
    for ident, name, quantity, price in make_rows(40_000):
        text += f"{ident},{name},{quantity},{price}\n"
    return len(text), text[:60], text[-40:]

"""Parse access-log lines and total the bytes served per status code."""

import re

LINE = re.compile(r'"(\w+) (\S+) HTTP/1\.\d" (\d{3}) (\d+)$')


def make_lines(n: int) -> list:
    methods = ("GET", "POST", "PUT")
    return [
        f"10.0.{i % 7}.{i % 250} - - [{i % 28 + 1:02d}/Jan/2024] "
        f'"{methods[i % 3]} /item/{i % 997} HTTP/1.1" {(200, 404, 500, 301)[i % 4]} {i * 37 % 5000}'
        for i in range(n)
    ]


def entry():
    totals = {}
    search = LINE.search
    for line in make_lines(40_000):
        match = search(line)
        if match is None:
            continue
        status, size = match.group(3, 4)
        totals[status] = totals.get(status, 0) + int(size)
    return sorted(totals.items())

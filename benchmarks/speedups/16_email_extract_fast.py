"""Extract e-mail addresses from support tickets and count the domains."""

import re
from collections import Counter

ADDRESS = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")


def make_tickets(n: int) -> list:
    return [
        f"Ticket {i}: customer name{i}@mail{i % 13}.example.org wrote to help@corp.example "
        f"about order #{i * 17 % 9973}; cc boss{i % 5}@corp.example"
        for i in range(n)
    ]


def entry():
    domains = Counter(ADDRESS.findall("\n".join(make_tickets(25_000))))
    return sorted(domains.items())[:6]

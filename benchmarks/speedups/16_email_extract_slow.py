"""Extract e-mail addresses from support tickets and count the domains."""

import re


def make_tickets(n: int) -> list:
    return [
        f"Ticket {i}: customer name{i}@mail{i % 13}.example.org wrote to help@corp.example "
        f"about order #{i * 17 % 9973}; cc boss{i % 5}@corp.example"
        for i in range(n)
    ]


def entry():
    domains = {}
    for ticket in make_tickets(25_000):
        for address in re.findall(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", ticket):
            domains[address] = domains.get(address, 0) + 1
    return sorted(domains.items())[:6]

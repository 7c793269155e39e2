"""Remove duplicate customer e-mails, keeping the first occurrence of each."""

import random


def make_emails(n: int) -> list:
    rng = random.Random(3)
    return [f"user{rng.randrange(n // 2)}@example.com" for _ in range(n)]


def entry():
    unique = list(dict.fromkeys(make_emails(6_000)))
    return len(unique), unique[:5]

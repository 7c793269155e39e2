"""Find users with more than a threshold of page views in a click log."""

import random


def make_clicks(n: int) -> list:
    rng = random.Random(18)
    return [f"user{int(rng.paretovariate(1.2)) % 400}" for _ in range(n)]


def entry():
    clicks = make_clicks(2_000)
    heavy = set()
    for user in clicks:
        if clicks.count(user) > 15:
            heavy.add(user)
    return sorted(heavy)

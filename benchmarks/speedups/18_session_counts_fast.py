"""Find users with more than a threshold of page views in a click log."""

import random
from collections import Counter


def make_clicks(n: int) -> list:
    rng = random.Random(18)
    return [f"user{int(rng.paretovariate(1.2)) % 400}" for _ in range(n)]


def entry():
    counts = Counter(make_clicks(2_000))
    return sorted(user for user, count in counts.items() if count > 15)

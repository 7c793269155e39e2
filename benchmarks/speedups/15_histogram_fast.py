"""Bucket sensor readings into a histogram and list the non-empty buckets."""


def make_readings(n: int) -> list:
    return [(i * 7919 % 1000) / 9.7 + (i % 13) for i in range(n)]


def entry():
    buckets = {}
    get = buckets.get
    for value in make_readings(80_000):
        key = int(value // 5) * 5
        buckets[key] = get(key, 0) + 1
    return len(buckets), sorted(buckets.items())[:5]

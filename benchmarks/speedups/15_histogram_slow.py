"""Bucket sensor readings into a histogram and list the non-empty buckets."""


def make_readings(n: int) -> list:
    return [(i * 7919 % 1000) / 9.7 + (i % 13) for i in range(n)]


def entry():
    buckets = {}
    for value in make_readings(80_000):
        key = int(value // 5) * 5
        if key in buckets.keys():
            buckets[key] = buckets[key] + 1
        else:
            buckets[key] = 1
    keys = list(buckets.keys())
    return len(list(buckets.keys())), [(k, buckets[k]) for k in sorted(keys)][:5]

"""Merge overlapping booking intervals and report the busiest stretch."""


def make_bookings(n: int) -> list:
    return [((i * 37) % 20_000, (i * 37) % 20_000 + 5 + i % 40) for i in range(n)]


def entry():
    pending = sorted(make_bookings(24_000))
    merged = []
    while pending:
        start, end = pending.pop(0)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    longest = sorted(merged, key=lambda span: span[1] - span[0])[-1]
    return len(merged), longest

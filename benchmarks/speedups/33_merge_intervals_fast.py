"""Merge overlapping booking intervals and report the busiest stretch."""


def make_bookings(n: int) -> list:
    return [((i * 37) % 20_000, (i * 37) % 20_000 + 5 + i % 40) for i in range(n)]


def entry():
    merged = []
    for start, end in sorted(make_bookings(24_000)):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    longest = max(reversed(merged), key=lambda span: span[1] - span[0])
    return len(merged), longest

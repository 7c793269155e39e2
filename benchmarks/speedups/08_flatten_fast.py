"""Flatten per-day event batches into one list."""


def make_batches(days: int) -> list:
    return [[day * 100 + k for k in range(day % 13)] for day in range(days)]


def entry():
    events = [event for batch in make_batches(2_500) for event in batch]
    return len(events), events[:3], events[-3:]

"""ND203: dict() called for a fresh record per item."""


def setup(n):
    return (list(range(n)),)


def entry(values):
    records = []
    for value in values:
        record = dict()
        record["value"] = value
        records.append(record)
    return records

"""ND308: snapshotting a small settings dict for every record."""

import copy


def setup(n):
    return (list(range(n)), {"retries": 3, "tags": ["a", "b"], "timeout": 1.5})


def entry(values, defaults):
    records = []
    for value in values:
        record = copy.deepcopy(defaults)
        record["value"] = value
        records.append(record)
    return records


def advised(values, defaults):
    records = []
    for value in values:
        record = dict(defaults, tags=list(defaults["tags"]))
        record["value"] = value
        records.append(record)
    return records

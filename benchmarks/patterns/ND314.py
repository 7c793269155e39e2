"""ND314: reading the same small lookup file once per record (records of 100 per n)."""

import os
import tempfile

_PATH = os.path.join(tempfile.gettempdir(), "nd314-pattern-lookup.txt")
with open(_PATH, "w", encoding="utf-8") as _file:
    _file.write("\n".join(f"code{i}" for i in range(50)))


def setup(n):
    return (list(range(max(1, n // 100))), _PATH)


def entry(records, path):
    matched = 0
    for record in records:
        with open(path, encoding="utf-8") as lookup:
            codes = lookup.read().splitlines()
        if f"code{record % 60}" in codes:
            matched += 1
    return matched


def advised(records, path):
    with open(path, encoding="utf-8") as lookup:
        codes = lookup.read().splitlines()
    matched = 0
    for record in records:
        if f"code{record % 60}" in codes:
            matched += 1
    return matched

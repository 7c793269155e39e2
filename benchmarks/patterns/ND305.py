"""ND305: matching every line against a literal regex."""

import re


def setup(n):
    return ([f"id-{i} name{i}" if i % 3 else f"line {i}" for i in range(n)],)


def entry(lines):
    ids = 0
    for line in lines:
        if re.match(r"id-\d+ ", line):
            ids += 1
    return ids

"""ND218: iterating a text file's readlines()."""

import io


def setup(n):
    return (io.StringIO("".join(f"line {i}\n" for i in range(n))),)


def entry(stream):
    total = 0
    for line in stream.readlines():
        total += len(line)
    return total

"""Split source-like text into identifier, number and symbol tokens."""

import re

TOKEN = re.compile(r"[^ \n(),=+\-*:\[\]]+|[(),=+\-*:\[\]]")


def make_source(n_lines: int) -> str:
    return "".join(
        f"value{i} = compute(x{i % 9}, {i} * 3) + items[{i % 5}]\n" for i in range(n_lines)
    )


def entry():
    tokens = TOKEN.findall(make_source(9_000))
    return len(tokens), tokens[:12]

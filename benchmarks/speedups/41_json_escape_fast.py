"""Escape strings for a JSON writer, character by character."""

TABLE = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"})


def make_strings(n: int) -> list:
    return [f'name "{i}"\tvalue\\{i % 7}\nend' for i in range(n)]


def entry():
    escaped = [text.translate(TABLE) for text in make_strings(12_000)]
    return len(escaped), escaped[3], sum(map(len, escaped))

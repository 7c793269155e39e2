"""Escape strings for a JSON writer, character by character."""

ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def make_strings(n: int) -> list:
    return [f'name "{i}"\tvalue\\{i % 7}\nend' for i in range(n)]


def escape(text):
    out = ""
    for char in text:
        if char in ESCAPES.keys():
            out += ESCAPES[char]
        else:
            out += char
    return out


def entry():
    escaped = [escape(text) for text in make_strings(12_000)]
    return len(escaped), escaped[3], sum(map(len, escaped))

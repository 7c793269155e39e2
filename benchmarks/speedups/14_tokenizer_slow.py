"""Split source-like text into identifier, number and symbol tokens."""

DELIMITERS = [" ", "\n", "(", ")", ",", "=", "+", "-", "*", ":", "[", "]"]


def make_source(n_lines: int) -> str:
    return "".join(
        f"value{i} = compute(x{i % 9}, {i} * 3) + items[{i % 5}]\n" for i in range(n_lines)
    )


def entry():
    tokens = []
    word = ""
    for char in make_source(9_000):
        if char in DELIMITERS:
            if word:
                tokens.append(word)
                word = ""
            if char.strip():
                tokens.append(char)
        else:
            word += char
    return len(tokens), tokens[:12]

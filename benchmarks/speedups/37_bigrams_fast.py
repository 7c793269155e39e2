"""Count character bigrams of a text and return the most frequent ones."""

from collections import Counter


def make_text(n: int) -> str:
    words = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")
    return " ".join(words[(i * i + 3 * i) % 8] for i in range(n))


def entry():
    text = make_text(40_000)
    counts = Counter(map(str.__add__, text, text[1:]))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]

"""Count character bigrams of a text and return the most frequent ones."""


def make_text(n: int) -> str:
    words = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")
    return " ".join(words[(i * i + 3 * i) % 8] for i in range(n))


def entry():
    text = make_text(40_000)
    counts = {}
    for i in range(len(text) - 1):
        pair = text[i] + text[i + 1]
        if pair in counts.keys():
            counts[pair] += 1
        else:
            counts[pair] = 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]

"""Count word frequencies in a generated corpus and return the 20 most common words."""

import random

STOP_WORDS = ["the", "a", "an", "of", "to", "in", "and", "or", "is", "it", "for", "on"]


def make_text(n_words: int) -> str:
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(400)] + STOP_WORDS * 20
    return " ".join(rng.choice(vocabulary) for _ in range(n_words))


def entry():
    text = make_text(60_000)
    counts = {}
    for word in text.split():
        if word not in STOP_WORDS:
            if word in counts.keys():
                counts[word] += 1
            else:
                counts[word] = 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:20]

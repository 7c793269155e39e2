"""Count word frequencies in a generated corpus and return the 20 most common words."""

import random
from collections import Counter

STOP_LIST = ["the", "a", "an", "of", "to", "in", "and", "or", "is", "it", "for", "on"]
STOP_WORDS = frozenset(STOP_LIST)


def make_text(n_words: int) -> str:
    rng = random.Random(1)
    vocabulary = [f"w{i}" for i in range(400)] + STOP_LIST * 20
    return " ".join(rng.choice(vocabulary) for _ in range(n_words))


def entry():
    text = make_text(60_000)
    counts = Counter(word for word in text.split() if word not in STOP_WORDS)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:20]

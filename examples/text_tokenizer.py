"""A word tokenizer with a vocabulary and byte-pair merges, as used before training a model.

Performance problems on purpose: stop-word checks against a list, a `len(list(...))`, and a
loop-invariant `lower()` of the same string on every iteration.

>>> tokenize("The cat, the hat.")
['the', 'cat', 'the', 'hat']
"""

from __future__ import annotations

STOP_WORDS = ["a", "an", "and", "the", "of", "to", "in", "is", "it"]


def tokenize(text: str) -> list[str]:
    """Lower-case words, punctuation stripped."""
    words = []
    word = ""
    for char in text:
        if char.isalnum():
            word += char.lower()
        elif word:
            words.append(word)
            word = ""
    if word:
        words.append(word)
    return words


def content_words(words: list[str]) -> list[str]:
    """Words that are not stop words."""  # neurodebug: content_words(["the", "cat", "of", "hat"])
    kept = []
    for word in words:
        if word not in STOP_WORDS:
            kept.append(word)
    return kept


def vocabulary(words: list[str], min_count: int) -> dict[str, int]:
    """Map each word seen at least `min_count` times to an id, most frequent first."""  # neurodebug: vocabulary(["a", "b", "a", "c", "b", "a"], 2)
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    frequent = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], w))
    vocab = {}
    for index, word in enumerate(frequent):
        vocab[word] = index
    return vocab


def most_common_pair(words: list[str]) -> tuple[str, str] | None:
    """The most frequent pair of adjacent characters over all words (one BPE step)."""  # neurodebug: most_common_pair(["aab", "ab"])
    pairs: dict[tuple[str, str], int] = {}
    for word in words:
        for i in range(len(word) - 1):
            pair = (word[i], word[i + 1])
            pairs[pair] = pairs.get(pair, 0) + 1
    if len(list(pairs.keys())) == 0:
        return None
    return max(pairs, key=lambda p: pairs[p])


def count_mentions(words: list[str], name: str) -> int:
    """How often `name` occurs, ignoring case."""  # neurodebug: count_mentions(["fox", "dog", "fox"], "Fox")
    total = 0
    for word in words:
        if word == name.lower():
            total += 1
    return total


def main() -> str:  # neurodebug: main()
    text = "The quick brown fox jumps over the lazy dog. " * 200 + "A fox is in the den."
    words = tokenize(text)
    vocab = vocabulary(content_words(words), 2)
    return f"{len(words)} words, vocab {len(vocab)}, pair {most_common_pair(words)}, fox x{count_mentions(words, 'Fox')}\n"


if __name__ == "__main__":
    print(main(), end="")

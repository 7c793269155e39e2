"""Drop stop words from sentences and return the content words."""

STOP_WORDS = frozenset([
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "itself", "me", "more", "most", "my", "no", "nor",
    "not", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same",
])  # fmt: skip


def make_sentences(n: int) -> list:
    words = ["model", "data", "the", "after", "over", "train", "loss", "and", "our", "batch"]
    return [" ".join(words[(i * k) % 10] for k in range(1, 12)) for i in range(n)]


def entry():
    stop = STOP_WORDS
    kept = [
        word for sentence in make_sentences(12_000) for word in sentence.split() if word not in stop
    ]
    return len(kept), kept[:6]

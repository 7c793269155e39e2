def f(words):
    lengths = [len(w) for w in words]
    index = {w: i for i, w in enumerate(words) if len(w) > 1}
    letters = {c for w in words for c in w}
    pairs = [(a, b) for a in range(2) for b in range(2) if a != b]
    return lengths, index, sorted(letters), pairs

"""Two scanners with the same opt-in micro hint (ND317, `len(...)` in a `while`): one runs
on every character of a long text, the other on three words."""

import sys


def count_spaces(text):
    spaces = 0
    i = 0
    while i < len(text):
        if text[i] == " ":
            spaces += 1
        i += 1
    return spaces


def count_words(words):
    counted = 0
    i = 0
    while i < len(words):
        counted += 1
        i += 1
    return counted


if __name__ == "__main__":
    size = int(sys.argv[1])
    print(count_spaces("ab " * size), count_words(["a", "b", "c"]))

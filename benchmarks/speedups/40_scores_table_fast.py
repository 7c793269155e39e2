"""Grade exam scores: letter per student and the class's best letter counts."""

from bisect import bisect_right
from collections import Counter

CUTS = (60, 75, 90)
GRADES = "FCBA"


def make_scores(n: int) -> list:
    return [(f"s{i}", i * 7919 % 101) for i in range(n)]


def entry():
    table = [GRADES[bisect_right(CUTS, score)] for score in range(101)]
    letters = {student: table[score] for student, score in make_scores(150_000)}
    counts = Counter(letters.values())
    return sorted(counts.items()), len(letters)

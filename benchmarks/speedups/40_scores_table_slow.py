"""Grade exam scores: letter per student and the class's best letter counts."""


def make_scores(n: int) -> list:
    return [(f"s{i}", i * 7919 % 101) for i in range(n)]


def letter(score):
    if score >= 90:
        return "A"
    if score >= 75:
        return "B"
    if score >= 60:
        return "C"
    return "F"


def entry():
    scores = make_scores(150_000)
    letters = {}
    for student, score in scores:
        letters[student] = letter(score)
    counts = dict()
    for grade in list(letters.values()):
        counts[grade] = counts.get(grade, 0) + 1
    return sorted(counts.items()), len(letters)

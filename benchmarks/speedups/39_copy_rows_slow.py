"""Copy the rows of a spreadsheet that pass a filter, and their ids."""


def make_rows(n: int) -> list:
    return [(i, i * 13 % 97, i % 5 == 0) for i in range(n)]


def entry():
    rows = make_rows(300_000)
    copied = []
    for row in rows:
        copied.append(row)
    flagged = []
    for row in copied:
        if row[2]:
            flagged.append(row[0])
    return len(copied), len(flagged), flagged[-3:]

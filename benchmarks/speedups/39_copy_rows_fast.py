"""Copy the rows of a spreadsheet that pass a filter, and their ids."""


def make_rows(n: int) -> list:
    return [(i, i * 13 % 97, i % 5 == 0) for i in range(n)]


def entry():
    copied = make_rows(300_000)
    flagged = [ident for ident, _, flag in copied if flag]
    return len(copied), len(flagged), flagged[-3:]

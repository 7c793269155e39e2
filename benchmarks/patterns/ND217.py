"""ND217: writing report lines one call at a time."""

import io


def setup(n):
    return (list(range(n)),)


def entry(rows):
    out = io.StringIO()
    for row in rows:
        out.write(f"{row}\n")
    return out.getvalue()


def advised(rows):
    out = io.StringIO()
    out.writelines(f"{row}\n" for row in rows)
    return out.getvalue()

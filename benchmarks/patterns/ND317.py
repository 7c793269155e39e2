"""ND317: a link-destination scanner (the shape of the harness projects' findings: a
`while pos < len(src)` loop whose body tests each character several ways)."""

WHITESPACE = " \t\n"


def setup(n):
    return ("(see/" + "ab(c)d\\)e" * (n // 9 + 1) + " tail",)


def entry(src):
    pos = 0
    level = 0
    escapes = 0
    while pos < len(src):
        c = src[pos]
        if c in WHITESPACE:
            break
        if ord(c) < 32 or c == "\x7f":
            return None
        if c == "\\":
            escapes += 1
        elif c == "(":
            level += 1
        elif c == ")":
            level -= 1
        pos += 1
    return pos, level, escapes

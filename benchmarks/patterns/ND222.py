"""ND222: the smallest value through a full sort."""


def setup(n):
    return ([(i * 7919) % max(n, 1) for i in range(max(n, 1))],)


def entry(values):
    return sorted(values)[0]

"""ND205: an identity comprehension copying a range into a list."""


def setup(n):
    return (range(n),)


def entry(values):
    return [value for value in values]

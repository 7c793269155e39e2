"""ND301: counting the words equal to a name, lower-casing the name on every word."""


def setup(n):
    words = ["alice", "bob", "carol", "dave"]
    return ([words[i % 4] for i in range(n)], "Carol")


def entry(words, name):
    total = 0
    for word in words:
        if word == name.lower():
            total += 1
    return total

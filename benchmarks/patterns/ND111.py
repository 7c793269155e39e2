"""ND111: a helper called per item that rebuilds its list of constants."""


def is_weekend(day):
    weekend = ["sat", "sun"]
    return day in weekend


def setup(n):
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return ([names[i % 7] for i in range(n)],)


def entry(days):
    return sum(1 for day in days if is_weekend(day))

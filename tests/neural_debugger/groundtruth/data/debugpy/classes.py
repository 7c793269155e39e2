class Account:
    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            return False
        self.balance += amount
        return True

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance})"


def f(amounts):
    account = Account("ann", 10)
    accepted = 0
    for amount in amounts:
        if account.deposit(amount):
            accepted += 1
    return account, accepted

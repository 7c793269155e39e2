"""Reconcile bank transactions against the ledger: which ids are missing from each side."""


def make_ids(n: int, step: int, offset: int) -> list:
    return [f"tx{i * step + offset}" for i in range(n)]


def entry():
    bank = make_ids(2_000, 3, 0)
    ledger = make_ids(2_000, 2, 0)
    missing_in_ledger = []
    for tx in bank:
        if tx not in ledger:
            missing_in_ledger.append(tx)
    missing_in_bank = []
    for tx in ledger:
        if tx not in bank:
            missing_in_bank.append(tx)
    return len(missing_in_ledger), len(missing_in_bank), missing_in_bank[:3]

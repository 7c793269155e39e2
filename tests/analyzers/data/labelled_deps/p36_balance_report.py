def balance_report(transactions):
    credit = 0  # data: ; control:
    debit = 0  # data: ; control:
    largest = None  # data: ; control:
    for label, amount in transactions.items():  # data: transactions@1 ; control: 5
        if amount > 0:  # data: amount@5 ; control: 5
            credit += amount  # data: credit@2 credit@7 amount@5 ; control: 6
        elif amount < 0:  # data: amount@5 ; control: 6
            debit -= amount  # data: debit@3 debit@9 amount@5 ; control: 8
        if largest is None or abs(amount) > abs(transactions[largest]):  # data: largest@4 largest@11 amount@5 transactions@1 ; control: 5
            largest = label  # data: label@5 ; control: 10
    net = credit - debit  # data: credit@2 credit@7 debit@3 debit@9 ; control:
    return net, largest  # data: net@12 largest@4 largest@11 ; control:

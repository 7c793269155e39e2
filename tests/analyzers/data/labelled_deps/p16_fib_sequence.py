def fib_sequence(count):
    seq = [0, 1]  # data: ; control:
    while len(seq) < count:  # data: seq@2 seq@4 count@1 ; control: 3
        seq.append(seq[-1] + seq[-2])  # data: seq@2 seq@4 ; control: 3
    head = seq[:count]  # data: seq@2 seq@4 count@1 ; control:
    return head  # data: head@5 ; control:

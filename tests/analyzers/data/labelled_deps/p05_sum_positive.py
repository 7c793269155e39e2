def sum_positive(values):
    total = 0  # data: ; control:
    count = 0  # data: ; control:
    for v in values:  # data: values@1 ; control: 4
        if v > 0:  # data: v@4 ; control: 4
            total += v  # data: total@2 total@6 v@4 ; control: 5
            count += 1  # data: count@3 count@7 ; control: 5
    mean = total / count if count else 0.0  # data: total@2 total@6 count@3 count@7 ; control:
    return total, mean  # data: total@2 total@6 mean@8 ; control:

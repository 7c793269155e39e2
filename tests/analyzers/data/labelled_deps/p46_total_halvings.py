def total_halvings(values):
    total = 0  # data: ; control:
    per_value = {}  # data: ; control:
    for value in values:  # data: values@1 ; control: 4
        current = value  # data: value@4 ; control: 4
        count = 0  # data: ; control: 4
        while current > 1:  # data: current@5 current@8 ; control: 4 7
            current //= 2  # data: current@5 current@8 ; control: 7
            count += 1  # data: count@6 count@9 ; control: 7
        per_value[value] = count  # data: value@4 count@6 count@9 ; control: 4
        total += count  # data: total@2 total@11 count@6 count@9 ; control: 4
    return total, per_value  # data: total@2 total@11 per_value@3 per_value@10 ; control:

def prefix_sums(values: list[int]):
    sums = [0] * (len(values) + 1)  # data: values@1 ; control:
    for i in range(len(values)):  # data: values@1 ; control: 3
        sums[i + 1] = sums[i] + values[i]  # data: i@3 sums@2 sums@4 values@1 ; control: 3
    return sums  # data: sums@2 sums@4 ; control:

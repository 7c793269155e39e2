def collatz_steps(n):
    steps = 0  # data: ; control:
    while n != 1:  # data: n@1 n@5 n@7 ; control: 3
        if n % 2 == 0:  # data: n@1 n@5 n@7 ; control: 3
            n = n // 2  # data: n@1 n@5 n@7 ; control: 4
        else:
            n = 3 * n + 1  # data: n@1 n@5 n@7 ; control: 4
        steps += 1  # data: steps@2 steps@8 ; control: 3
    return steps  # data: steps@2 steps@8 ; control:

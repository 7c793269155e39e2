def gcd_steps(a, b):
    steps = 0  # data: ; control:
    while b != 0:  # data: b@1 b@4 ; control: 3
        a, b = b, a % b  # data: a@1 a@4 b@1 b@4 ; control: 3
        steps += 1  # data: steps@2 steps@5 ; control: 3
    return a, steps  # data: a@1 a@4 steps@2 steps@5 ; control:

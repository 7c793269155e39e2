def is_prime(n):
    if n < 2:  # data: n@1 ; control:
        return False  # data: ; control: 2
    for d in range(2, int(n ** 0.5) + 1):  # data: n@1 ; control: 2 5
        if n % d == 0:  # data: n@1 d@4 ; control: 4
            verdict = False  # data: ; control: 5
            break  # data: ; control: 5
    else:
        verdict = True  # data: ; control: 4
    return verdict  # data: verdict@6 verdict@9 ; control: 2

def sum_odd_digits(number):
    total = 0  # data: ; control:
    remaining = abs(number)  # data: number@1 ; control:
    while remaining > 0:  # data: remaining@3 remaining@6 ; control: 4
        digit = remaining % 10  # data: remaining@3 remaining@6 ; control: 4
        remaining //= 10  # data: remaining@3 remaining@6 ; control: 4
        if digit % 2 == 0:  # data: digit@5 ; control: 4
            continue  # data: ; control: 7
        total += digit  # data: total@2 total@9 digit@5 ; control: 7
    return total  # data: total@2 total@9 ; control:

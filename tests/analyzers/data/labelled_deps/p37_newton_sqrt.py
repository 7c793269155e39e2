def newton_sqrt(value, tolerance):
    if value < 0:  # data: value@1 ; control:
        raise ValueError("negative input")  # data: ; control: 2
    guess = value / 2 if value > 1 else 1.0  # data: value@1 ; control: 2
    iterations = 0  # data: ; control: 2
    while abs(guess * guess - value) > tolerance:  # data: guess@4 guess@7 value@1 tolerance@1 ; control: 2 6
        guess = (guess + value / guess) / 2  # data: guess@4 guess@7 value@1 ; control: 6
        iterations += 1  # data: iterations@5 iterations@8 ; control: 6
    return guess, iterations  # data: guess@4 guess@7 iterations@5 iterations@8 ; control: 2

def parse_ints(tokens):
    numbers = []  # data: ; control:
    errors = []  # data: ; control:
    for token in tokens:  # data: tokens@1 ; control: 4
        try:
            numbers.append(int(token))  # data: token@4 ; control: 4
        except ValueError as exc:  # data: ; control: 4
            errors.append(str(exc))  # data: exc@7 ; control: 7
    return numbers, errors  # data: numbers@2 numbers@6 errors@3 errors@8 ; control:

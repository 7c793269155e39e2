def to_floats(raw_values):
    converted = []  # data: ; control:
    failures = 0  # data: ; control:
    for raw in raw_values:  # data: raw_values@1 ; control: 4
        try:
            number = float(raw)  # data: raw@4 ; control: 4
        except (TypeError, ValueError):  # data: ; control: 4
            failures += 1  # data: failures@3 failures@8 ; control: 7
        else:
            converted.append(number)  # data: number@6 ; control: 4
    return converted, failures  # data: converted@2 converted@10 failures@3 failures@8 ; control:

def first_negative_index(numbers):
    index = -1  # data: ; control:
    position = 0  # data: ; control:
    for value in numbers:  # data: numbers@1 ; control: 5
        if value < 0:  # data: value@4 ; control: 4
            index = position  # data: position@3 position@8 ; control: 5
            break  # data: ; control: 5
        position += 1  # data: position@3 position@8 ; control: 5
    return index, position  # data: index@2 index@6 position@3 position@8 ; control:

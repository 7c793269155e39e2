def find_pair_with_sum(numbers, goal):
    size = len(numbers)  # data: numbers@1 ; control:
    for i in range(size):  # data: size@2 ; control: 4
        for j in range(i + 1, size):  # data: i@3 size@2 ; control: 3 5
            if numbers[i] + numbers[j] == goal:  # data: numbers@1 i@3 j@4 goal@1 ; control: 4
                return i, j  # data: i@3 j@4 ; control: 5
    return None  # data: ; control: 3

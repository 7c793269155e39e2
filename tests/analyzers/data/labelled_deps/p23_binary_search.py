def binary_search(sorted_values, target):
    low = 0  # data: ; control:
    high = len(sorted_values) - 1  # data: sorted_values@1 ; control:
    while low <= high:  # data: low@2 low@10 high@3 high@12 ; control: 7
        mid = (low + high) // 2  # data: low@2 low@10 high@3 high@12 ; control: 4
        guess = sorted_values[mid]  # data: sorted_values@1 mid@5 ; control: 4
        if guess == target:  # data: guess@6 target@1 ; control: 4
            return mid  # data: mid@5 ; control: 7
        if guess < target:  # data: guess@6 target@1 ; control: 7
            low = mid + 1  # data: mid@5 ; control: 9
        else:
            high = mid - 1  # data: mid@5 ; control: 9
    return -1  # data: ; control: 4

def merge_sorted(left, right):
    merged = []  # data: ; control:
    i, j = 0, 0  # data: ; control:
    while i < len(left) and j < len(right):  # data: i@3 i@7 j@3 j@10 left@1 right@1 ; control: 4
        if left[i] <= right[j]:  # data: left@1 i@3 i@7 right@1 j@3 j@10 ; control: 4
            merged.append(left[i])  # data: left@1 i@3 i@7 ; control: 5
            i += 1  # data: i@3 i@7 ; control: 5
        else:
            merged.append(right[j])  # data: right@1 j@3 j@10 ; control: 5
            j += 1  # data: j@3 j@10 ; control: 5
    merged.extend(left[i:])  # data: left@1 i@3 i@7 ; control:
    merged.extend(right[j:])  # data: right@1 j@3 j@10 ; control:
    return merged  # data: merged@2 merged@6 merged@9 merged@11 merged@12 ; control:

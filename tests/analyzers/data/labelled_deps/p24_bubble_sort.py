def bubble_sort(values):
    items = list(values)  # data: values@1 ; control:
    n = len(items)  # data: items@2 ; control:
    i = 0  # data: ; control:
    while i < n:  # data: i@4 i@11 n@3 ; control: 5
        j = 0  # data: ; control: 5
        while j < n - i - 1:  # data: j@6 j@10 n@3 i@4 i@11 ; control: 5 7
            if items[j] > items[j + 1]:  # data: items@2 items@9 j@6 j@10 ; control: 7
                items[j], items[j + 1] = items[j + 1], items[j]  # data: items@2 items@9 j@6 j@10 ; control: 8
            j += 1  # data: j@6 j@10 ; control: 7
        i += 1  # data: i@4 i@11 ; control: 5
    return items  # data: items@2 items@9 ; control:

import heapq


def k_smallest(values, k):
    heap = []  # data: ; control:
    for value in values:  # data: values@4 ; control: 6
        heapq.heappush(heap, value)  # data: value@6 ; control: 6
    result = []  # data: ; control:
    while heap and len(result) < k:  # data: heap@5 heap@7 heap@10 result@8 result@10 k@4 ; control: 9
        result.append(heapq.heappop(heap))  # data: heap@5 heap@7 heap@10 ; control: 9
    return result  # data: result@8 result@10 ; control:

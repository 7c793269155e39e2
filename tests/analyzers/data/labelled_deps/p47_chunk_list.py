def chunk_list(items, size):
    chunks = []  # data: ; control:
    current = []  # data: ; control:
    for item in items:  # data: items@1 ; control: 4
        current.append(item)  # data: item@4 ; control: 4
        if len(current) == size:  # data: current@3 current@5 current@8 size@1 ; control: 4
            chunks.append(current)  # data: current@3 current@5 current@8 ; control: 6
            current = []  # data: ; control: 6
    if current:  # data: current@3 current@5 current@8 ; control:
        chunks.append(current)  # data: current@3 current@5 current@8 ; control: 9
    return chunks  # data: chunks@2 chunks@7 chunks@10 ; control:

def contains_duplicate(items):
    seen = set()  # data: ; control:
    for item in items:  # data: items@1 ; control: 4
        if item in seen:  # data: item@3 seen@2 seen@6 ; control: 3
            return True  # data: ; control: 4
        seen.add(item)  # data: item@3 ; control: 4
    return False  # data: ; control: 3

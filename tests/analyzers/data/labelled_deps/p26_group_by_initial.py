def group_by_initial(words):
    groups = {}  # data: ; control:
    for word in words:  # data: words@1 ; control: 3
        initial = word[0].upper()  # data: word@3 ; control: 3
        groups[initial] = groups.get(initial, []) + [word]  # data: initial@4 groups@2 groups@5 word@3 ; control: 3
    ordered = sorted(groups)  # data: groups@2 groups@5 ; control:
    return ordered, groups  # data: ordered@6 groups@2 groups@5 ; control:

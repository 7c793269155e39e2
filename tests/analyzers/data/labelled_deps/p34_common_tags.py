def common_tags(first: list[str], second: list[str], banned):
    left = set(first)  # data: first@1 ; control:
    right = set(second)  # data: second@1 ; control:
    left.intersection_update(right)  # data: right@3 ; control:
    for tag in banned:  # data: banned@1 ; control: 5
        left.discard(tag)  # data: tag@5 ; control: 5
    if not left:  # data: left@2 left@4 left@6 ; control:
        left.add("none")  # data: ; control: 7
    return sorted(left)  # data: left@2 left@4 left@6 left@8 ; control:

def find_owner(inventory, item):
    owner = None  # data: ; control:
    checked = 0  # data: ; control:
    for person, belongings in inventory.items():  # data: inventory@1 ; control: 6
        checked += 1  # data: checked@3 checked@5 ; control: 4
        if item in belongings:  # data: item@1 belongings@4 ; control: 4
            owner = person  # data: person@4 ; control: 6
            break  # data: ; control: 6
    else:
        owner = "unknown"  # data: ; control: 4
    return owner, checked  # data: owner@7 owner@10 checked@3 checked@5 ; control:

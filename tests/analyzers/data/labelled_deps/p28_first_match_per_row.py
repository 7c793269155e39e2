def first_match_per_row(grid, target):
    found = []  # data: ; control:
    for r, row in enumerate(grid):  # data: grid@1 ; control: 3
        col = -1  # data: ; control: 3
        for c, value in enumerate(row):  # data: row@3 ; control: 3 6
            if value == target:  # data: value@5 target@1 ; control: 5
                col = c  # data: c@5 ; control: 6
                break  # data: ; control: 6
        found.append((r, col))  # data: r@3 col@4 col@7 ; control: 3
    return found  # data: found@2 found@9 ; control:

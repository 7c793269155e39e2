def multiplication_table(n):
    rows = []  # data: ; control:
    for i in range(1, n + 1):  # data: n@1 ; control: 3
        row = []  # data: ; control: 3
        for j in range(1, n + 1):  # data: n@1 ; control: 3 5
            row.append(i * j)  # data: i@3 j@5 ; control: 5
        rows.append(row)  # data: row@4 row@6 ; control: 3
    return rows  # data: rows@2 rows@7 ; control:

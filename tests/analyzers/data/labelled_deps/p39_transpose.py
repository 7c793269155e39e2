def transpose(matrix):
    rows = len(matrix)  # data: matrix@1 ; control:
    cols = len(matrix[0]) if rows else 0  # data: matrix@1 rows@2 ; control:
    result = []  # data: ; control:
    for c in range(cols):  # data: cols@3 ; control: 5
        new_row = [0] * rows  # data: rows@2 ; control: 5
        for r in range(rows):  # data: rows@2 ; control: 5 7
            new_row[r] = matrix[r][c]  # data: r@7 matrix@1 c@5 ; control: 7
        result.append(new_row)  # data: new_row@6 new_row@8 ; control: 5
    return result  # data: result@4 result@9 ; control:

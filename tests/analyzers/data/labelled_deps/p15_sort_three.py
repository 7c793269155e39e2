def sort_three(x, y, z):
    if x > y:  # data: x@1 y@1 ; control:
        x, y = y, x  # data: x@1 y@1 ; control: 2
    if y > z:  # data: y@1 y@3 z@1 ; control:
        y, z = z, y  # data: y@1 y@3 z@1 ; control: 4
    if x > y:  # data: x@1 x@3 y@1 y@3 y@5 ; control:
        x, y = y, x  # data: x@1 x@3 y@1 y@3 y@5 ; control: 6
    return x, y, z  # data: x@1 x@3 x@7 y@1 y@3 y@5 y@7 z@1 z@5 ; control:

def first_overload(readings, limit, window):
    recent = []  # data: ; control:
    for index, value in enumerate(readings):  # data: readings@1 ; control: 8
        recent.append(value)  # data: value@3 ; control: 3
        if len(recent) > window:  # data: recent@2 recent@4 recent@6 window@1 ; control: 3
            recent.pop(0)  # data: ; control: 5
        average = sum(recent) / len(recent)  # data: recent@2 recent@4 recent@6 ; control: 3
        if average > limit:  # data: average@7 limit@1 ; control: 3
            return index, average  # data: index@3 average@7 ; control: 8
    return -1, sum(recent)  # data: recent@2 recent@4 recent@6 ; control: 3

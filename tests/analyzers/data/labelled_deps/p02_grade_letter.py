def grade_letter(score, curve):
    adjusted = score + curve  # data: score@1 curve@1 ; control:
    if adjusted >= 90:  # data: adjusted@2 ; control:
        letter = "A"  # data: ; control: 3
    elif adjusted >= 80:  # data: adjusted@2 ; control: 3
        letter = "B"  # data: ; control: 5
    elif adjusted >= 70:  # data: adjusted@2 ; control: 5
        letter = "C"  # data: ; control: 7
    else:
        letter = "F"  # data: ; control: 7
    passed = letter != "F"  # data: letter@4 letter@6 letter@8 letter@10 ; control:
    return letter, passed  # data: letter@4 letter@6 letter@8 letter@10 passed@11 ; control:

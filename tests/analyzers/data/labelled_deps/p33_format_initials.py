def format_initials(full_name, separator):
    cleaned = full_name.strip()  # data: full_name@1 ; control:
    pieces = cleaned.split()  # data: cleaned@2 ; control:
    first, last = pieces[0], pieces[-1]  # data: pieces@3 ; control:
    initials = first[0].upper() + separator + last[0].upper()  # data: first@4 separator@1 last@4 ; control:
    count = len(pieces)  # data: pieces@3 ; control:
    return initials, count  # data: initials@5 count@6 ; control:

def normalize_name(raw):
    name = raw.strip()  # data: raw@1 ; control:
    name = name.replace("_", " ")  # data: name@2 ; control:
    parts = name.split()  # data: name@3 ; control:
    name = " ".join(parts)  # data: parts@4 ; control:
    if not name:  # data: name@5 ; control:
        name = "anonymous"  # data: ; control: 6
    return name.title()  # data: name@5 name@7 ; control:

def invert_mapping(mapping):
    inverted = {}  # data: ; control:
    for key, value in mapping.items():  # data: mapping@1 ; control: 3
        inverted[value] = key  # data: value@3 key@3 ; control: 3
    size = len(inverted)  # data: inverted@2 inverted@4 ; control:
    return inverted, size  # data: inverted@2 inverted@4 size@5 ; control:

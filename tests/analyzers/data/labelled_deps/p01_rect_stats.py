def rect_stats(width, height):
    area = width * height  # data: width@1 height@1 ; control:
    perimeter = 2 * (width + height)  # data: width@1 height@1 ; control:
    diagonal = (width ** 2 + height ** 2) ** 0.5  # data: width@1 height@1 ; control:
    ratio = width / height  # data: width@1 height@1 ; control:
    summary = (area, perimeter, round(diagonal, 2), ratio)  # data: area@2 perimeter@3 diagonal@4 ratio@5 ; control:
    return summary  # data: summary@6 ; control:

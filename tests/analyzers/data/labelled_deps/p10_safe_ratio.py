def safe_ratio(numerator, denominator):
    if denominator == 0:  # data: denominator@1 ; control:
        return None  # data: ; control: 2
    ratio = numerator / denominator  # data: numerator@1 denominator@1 ; control: 2
    if ratio > 1:  # data: ratio@4 ; control: 2
        ratio = 1 / ratio  # data: ratio@4 ; control: 5
    return round(ratio, 3)  # data: ratio@4 ratio@6 ; control: 2

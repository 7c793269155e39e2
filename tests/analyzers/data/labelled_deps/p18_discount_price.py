def discount_price(price, member, coupon):
    rate = 0.0  # data: ; control:
    if member:  # data: member@1 ; control:
        rate = 0.1  # data: ; control: 3
    if coupon == "HALF":  # data: coupon@1 ; control:
        rate = 0.5  # data: ; control: 5
    elif coupon == "EXTRA":  # data: coupon@1 ; control: 5
        rate += 0.05  # data: rate@2 rate@4 ; control: 7
    final = price * (1 - rate)  # data: price@1 rate@2 rate@4 rate@6 rate@8 ; control:
    return round(final, 2)  # data: final@9 ; control:

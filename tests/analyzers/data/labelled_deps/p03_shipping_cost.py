def shipping_cost(weight, express, country):
    cost = 5.0  # data: ; control:
    if weight > 10:  # data: weight@1 ; control:
        cost = 12.0  # data: ; control: 3
        if express:  # data: express@1 ; control: 3
            cost *= 2  # data: cost@4 ; control: 5
    elif express:  # data: express@1 ; control: 3
        cost += 4  # data: cost@2 ; control: 7
    if country != "US":  # data: country@1 ; control:
        cost += 15  # data: cost@2 cost@4 cost@6 cost@8 ; control: 9
    return cost  # data: cost@2 cost@4 cost@6 cost@8 cost@10 ; control:

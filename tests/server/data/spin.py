# neurodebug: spin(1)
def spin(step):
    total = 0
    while True:
        total += step

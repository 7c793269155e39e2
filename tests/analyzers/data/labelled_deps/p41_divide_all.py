def divide_all(numerators, divisor):
    results = []  # data: ; control:
    status = "ok"  # data: ; control:
    try:
        for value in numerators:  # data: numerators@1 ; control: 5
            results.append(value / divisor)  # data: value@5 divisor@1 ; control: 5
    except ZeroDivisionError as err:  # data: ; control:
        status = "error: " + str(err)  # data: err@7 ; control: 7
    finally:
        count = len(results)  # data: results@2 results@6 ; control:
    return status, count, results  # data: status@3 status@8 count@10 results@2 results@6 ; control:

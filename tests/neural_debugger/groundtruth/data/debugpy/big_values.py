def f(n):
    numbers = list(range(n))
    text = "word " * n
    table = {str(i): i * i for i in range(n)}
    nested = [[i] * 3 for i in range(n)]
    return len(numbers) + len(text) + len(table) + len(nested)

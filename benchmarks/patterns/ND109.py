"""ND109: walking a bytes buffer in 4-byte slices."""


def setup(n):
    return (bytes(range(256)) * (n // 64 + 1),)


def entry(data: bytes):
    total = 0
    for start in range(0, len(data), 4):
        total += int.from_bytes(data[start : start + 4], "little")
    return total


def advised(data):
    view = memoryview(data)
    total = 0
    for start in range(0, len(view), 4):
        total += int.from_bytes(view[start : start + 4], "little")
    return total

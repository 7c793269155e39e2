"""Run-length encode a long binary-ish string."""


def make_signal(n: int) -> str:
    return "".join("ab"[(i // (1 + i % 7)) % 2] for i in range(n))


def entry():
    signal = make_signal(150_000)
    encoded = ""
    previous = signal[0]
    count = 0
    for char in signal:
        if char == previous:
            count += 1
        else:
            encoded += f"{count}{previous}"
            previous = char
            count = 1
    encoded += f"{count}{previous}"
    return len(encoded), encoded[:30]

import collections


def top_letters(text, n, ignore):
    counter = collections.Counter()  # data: ; control:
    for ch in text:  # data: text@4 ; control: 6
        if ch.isalpha():  # data: ch@6 ; control: 6
            counter.update(ch.lower())  # data: ch@6 ; control: 7
    if ignore in counter:  # data: ignore@4 counter@5 counter@8 ; control:
        del counter[ignore]  # data: ignore@4 ; control: 9
    ranked = counter.most_common(n)  # data: counter@5 counter@8 counter@10 n@4 ; control:
    return ranked  # data: ranked@11 ; control:

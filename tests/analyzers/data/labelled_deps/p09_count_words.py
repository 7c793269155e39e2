def count_words(lines):
    counts = {}  # data: ; control:
    for line in lines:  # data: lines@1 ; control: 3
        text = line.strip().lower()  # data: line@3 ; control: 3
        if not text:  # data: text@4 ; control: 3
            continue  # data: ; control: 5
        for word in text.split():  # data: text@4 ; control: 5 7
            counts[word] = counts.get(word, 0) + 1  # data: word@7 counts@2 counts@8 ; control: 7
    return counts  # data: counts@2 counts@8 ; control:

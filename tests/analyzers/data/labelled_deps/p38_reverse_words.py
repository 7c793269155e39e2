def reverse_words(sentence):
    stack = []  # data: ; control:
    for word in sentence.split():  # data: sentence@1 ; control: 3
        stack.append(word)  # data: word@3 ; control: 3
    output = []  # data: ; control:
    while stack:  # data: stack@2 stack@4 stack@7 ; control: 6
        output.append(stack.pop())  # data: stack@2 stack@4 stack@7 ; control: 6
    return " ".join(output)  # data: output@5 output@7 ; control:

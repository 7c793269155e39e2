def label(x):
    sep = None
    text = str(x)
    if sep is not None:
        text = sep.join(text)
    return text

def greet(name):
    label = "héllo 🐍"; oops = (
    return label + name

import types


def make_profile(name, age):
    profile = types.SimpleNamespace()  # data: ; control:
    profile.name = name.strip()  # data: name@4 ; control:
    profile.age = age  # data: age@4 ; control:
    if age >= 18:  # data: age@4 ; control:
        profile.category = "adult"  # data: ; control: 8
    else:
        profile.category = "minor"  # data: ; control: 8
    label = profile.name + " (" + profile.category + ")"  # data: profile@5 profile@6 profile@7 profile@9 profile@11 ; control:
    return profile, label  # data: profile@5 profile@6 profile@7 profile@9 profile@11 label@12 ; control:

def lookup_port(settings, key):
    attempts = 0  # data: ; control:
    try:
        raw = settings[key]  # data: settings@1 key@1 ; control:
        attempts += 1  # data: attempts@2 ; control:
    except KeyError as missing:  # data: ; control:
        port = 8080  # data: ; control: 6
        source = "default:" + str(missing)  # data: missing@6 ; control: 6
    else:
        port = int(raw)  # data: raw@4 ; control:
        source = "settings"  # data: ; control:
    finally:
        attempts += 1  # data: attempts@2 attempts@5 ; control:
    return port, source, attempts  # data: port@7 port@10 source@8 source@11 attempts@13 ; control:

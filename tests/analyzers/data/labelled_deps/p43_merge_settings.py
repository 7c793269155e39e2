def merge_settings(defaults: dict, overrides: dict, drop):
    merged = dict(defaults)  # data: defaults@1 ; control:
    merged.update(overrides)  # data: overrides@1 ; control:
    removed = merged.pop(drop, None)  # data: merged@2 merged@3 drop@1 ; control:
    if removed is not None:  # data: removed@4 ; control:
        merged["_removed"] = drop  # data: drop@1 ; control: 5
    keys = list(merged)  # data: merged@2 merged@3 merged@4 merged@6 ; control:
    return merged, keys  # data: merged@2 merged@3 merged@4 merged@6 keys@7 ; control:

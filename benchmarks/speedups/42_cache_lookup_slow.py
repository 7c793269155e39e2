"""Look up records by key, rebuilding the index only when it changed."""


def make_records(n: int) -> list:
    return [{"key": f"k{i}", "value": i * 3} for i in range(n)]


def keys_of(records):
    return [record["key"] for record in records]


def entry():
    records = make_records(1_500)
    queries = [f"k{(i * 31) % 1_700}" for i in range(1_500)]
    found = 0
    total = 0
    for query in queries:
        keys = keys_of(records)
        if query in keys:
            found += 1
            total += records[keys.index(query)]["value"]
    return found, total

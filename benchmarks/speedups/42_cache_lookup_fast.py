"""Look up records by key, rebuilding the index only when it changed."""


def make_records(n: int) -> list:
    return [{"key": f"k{i}", "value": i * 3} for i in range(n)]


def entry():
    records = make_records(1_500)
    queries = [f"k{(i * 31) % 1_700}" for i in range(1_500)]
    by_key = {record["key"]: record["value"] for record in records}
    found = 0
    total = 0
    for query in queries:
        value = by_key.get(query)
        if value is not None:
            found += 1
            total += value
    return found, total

"""Classify HTTP responses by status and collect the failed request ids."""


def make_responses(n: int) -> list:
    return [(i, (200, 201, 204, 301, 404, 500, 502, 503)[i * 7 % 8]) for i in range(n)]


def entry():
    failed = []
    redirects = 0
    for request_id, status in make_responses(200_000):
        if status == 500 or status == 502 or status == 503 or status == 504:
            failed.append(request_id)
        elif status == 301 or status == 302:
            redirects += 1
    return len(failed), redirects, failed[:4]

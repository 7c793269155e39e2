"""Parse web-server access logs and find the slowest endpoints and the noisiest clients.

Performance problems on purpose: a regular expression compiled on every line, repeated
`list.count` over the loop's own collection, and `pop(0)` on a list used as a queue.

>>> parse_line('10.0.0.1 GET /api/items 200 35ms')
('10.0.0.1', 'GET', '/api/items', 200, 35)
"""

from __future__ import annotations

import re


def parse_line(line: str) -> tuple[str, str, str, int, int] | None:
    """Split one log line into (client, method, path, status, milliseconds)."""
    match = re.match(r"(\S+) (GET|POST|PUT|DELETE) (\S+) (\d{3}) (\d+)ms", line)
    if match is None:
        return None
    client, method, path, status, millis = match.groups()
    return client, method, path, int(status), int(millis)


def slowest_endpoints(lines: list[str], top: int = 3) -> list[tuple[str, float]]:
    """Endpoints by mean latency, slowest first."""  # neurodebug: slowest_endpoints(["x GET /a 200 3ms"], 1)
    latencies: dict[str, list[int]] = {}
    for line in lines:
        parsed = parse_line(line)
        if parsed is None:
            continue
        path, millis = parsed[2], parsed[4]
        if path not in latencies:
            latencies[path] = []
        latencies[path].append(millis)
    means = [(path, sum(values) / len(values)) for path, values in latencies.items()]
    means.sort(key=lambda item: item[1], reverse=True)
    return means[:top]


def noisy_clients(clients: list[str], limit: int) -> list[str]:
    """Clients that made more than `limit` requests, in first-seen order."""  # neurodebug: noisy_clients(["a", "b", "a", "a"], 2)
    noisy = []
    for client in clients:
        if clients.count(client) > limit and client not in noisy:
            noisy.append(client)
    return noisy


def error_bursts(statuses: list[int], window: int) -> int:
    """How many windows of `window` consecutive requests contain at least two server errors."""  # neurodebug: error_bursts([200, 500, 500, 200, 503], 3)
    queue = []
    bursts = 0
    for status in statuses:
        queue.append(status)
        if len(queue) > window:
            queue.pop(0)
        errors = 0
        for seen in queue:
            if seen >= 500:
                errors += 1
        if errors >= 2:
            bursts += 1
    return bursts


def main() -> str:  # neurodebug: main()
    paths = ["/api/items", "/api/users", "/health", "/api/orders"]
    lines = [
        f"10.0.0.{i % 17} {['GET', 'POST'][i % 2]} {paths[i % 4]} {[200, 500, 404][i % 3]} {(i * 7) % 90}ms"
        for i in range(2000)
    ]
    parsed = [p for p in (parse_line(line) for line in lines) if p is not None]
    report = f"slowest: {slowest_endpoints(lines)}\n"
    report += f"noisy: {noisy_clients([p[0] for p in parsed], 100)}\n"
    report += f"bursts: {error_bursts([p[3] for p in parsed], 5)}\n"
    return report


if __name__ == "__main__":
    print(main(), end="")

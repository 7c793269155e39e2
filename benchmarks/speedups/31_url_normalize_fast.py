"""Normalise URLs (lower-case host, strip default ports and tracking parameters)."""

import re

DEFAULT_PORT = re.compile(r":(80|443)/")
TRACKING = re.compile(r"[?&]utm_[a-z]+=[^&]*")


def make_urls(n: int) -> list:
    hosts = ("Example.COM", "shop.Example.com:80", "API.example.org:443")
    return [f"https://{hosts[i % 3]}/Items/{i}?utm_source=x{i % 4}&id={i}" for i in range(n)]


def entry():
    port, tracking = DEFAULT_PORT.sub, TRACKING.sub
    normalised = []
    for url in make_urls(30_000):
        url = tracking("", port("/", url))
        scheme, _, rest = url.partition("://")
        host, _, path = rest.partition("/")
        normalised.append(f"{scheme}://{host.lower()}/{path}")
    return len(set(normalised)), normalised[:2]

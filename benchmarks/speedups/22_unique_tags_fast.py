"""Collect the distinct tags of blog posts, sorted, and how many posts carry each."""

from collections import Counter


def make_posts(n: int) -> list:
    return [[f"tag{(i * k) % 60}" for k in range(1, 6)] for i in range(n)]


def entry():
    posts = make_posts(20_000)
    counts = Counter(tag for tags in posts for tag in set(tags))
    all_tags = sorted(counts)
    return len(all_tags), sorted(counts.items())[:3]

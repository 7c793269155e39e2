"""Collect the distinct tags of blog posts, sorted, and how many posts carry each."""


def make_posts(n: int) -> list:
    return [[f"tag{(i * k) % 60}" for k in range(1, 6)] for i in range(n)]


def entry():
    posts = make_posts(20_000)
    all_tags = list(sorted(set(list(tag for tags in posts for tag in tags))))
    counts = dict([(tag, 0) for tag in all_tags])
    for tags in posts:
        for tag in set([t for t in tags]):
            counts[tag] += 1
    return len(all_tags), sorted(counts.items())[:3]

def histogram(scores, bucket_size):
    buckets = [0] * 10  # data: ; control:
    for score in scores:  # data: scores@1 ; control: 3
        slot = min(score // bucket_size, 9)  # data: score@3 bucket_size@1 ; control: 3
        buckets[slot] += 1  # data: slot@4 buckets@2 buckets@5 ; control: 3
    return buckets  # data: buckets@2 buckets@5 ; control:

"""Process a job queue where failed jobs are retried at the back of the queue."""


def make_jobs(n: int) -> list:
    return [(job, job * 7 % 5) for job in range(n)]


def entry():
    jobs = make_jobs(15_000)
    queue = list(jobs)
    done = 0
    attempts = 0
    while queue:
        job, failures_left = queue.pop(0)
        attempts += 1
        if failures_left:
            queue.append((job, failures_left - 1))
        else:
            done += 1
    return done, attempts

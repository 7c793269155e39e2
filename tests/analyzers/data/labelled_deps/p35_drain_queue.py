import queue


def drain_queue(jobs: "queue.Queue[int]", budget):
    done = []  # data: ; control:
    spent = 0  # data: ; control:
    while not jobs.empty():  # data: jobs@4 jobs@8 ; control: 9
        cost = jobs.get()  # data: jobs@4 jobs@8 ; control: 7
        if spent + cost > budget:  # data: spent@6 spent@11 cost@8 budget@4 ; control: 7
            break  # data: ; control: 9
        spent += cost  # data: spent@6 spent@11 cost@8 ; control: 9
        done.append(cost)  # data: cost@8 ; control: 9
    return done, spent, jobs.qsize()  # data: done@5 done@12 spent@6 spent@11 jobs@4 jobs@8 ; control:

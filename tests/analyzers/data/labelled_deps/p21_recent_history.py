import collections


def recent_history(events, limit):
    window = collections.deque()  # data: ; control:
    dropped = 0  # data: ; control:
    for event in events:  # data: events@4 ; control: 7
        window.append(event)  # data: event@7 ; control: 7
        if len(window) > limit:  # data: window@5 window@8 window@10 limit@4 ; control: 7
            window.popleft()  # data: ; control: 9
            dropped += 1  # data: dropped@6 dropped@11 ; control: 9
    return list(window), dropped  # data: window@5 window@8 window@10 dropped@6 dropped@11 ; control:

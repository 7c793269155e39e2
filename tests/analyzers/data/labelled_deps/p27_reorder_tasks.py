def reorder_tasks(tasks: list[str], urgent: str):
    pending = list(tasks)  # data: tasks@1 ; control:
    if urgent in pending:  # data: urgent@1 pending@2 ; control:
        pending.remove(urgent)  # data: urgent@1 ; control: 3
        pending.insert(0, urgent)  # data: urgent@1 ; control: 3
    tail = pending[1:]  # data: pending@2 pending@4 pending@5 ; control:
    tail.sort()  # data: ; control:
    pending = pending[:1] + tail  # data: pending@2 pending@4 pending@5 tail@6 tail@7 ; control:
    return pending  # data: pending@8 ; control:

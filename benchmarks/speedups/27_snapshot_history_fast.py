"""Keep an undo history of a growing document as snapshots of its paragraphs."""


def entry():
    history = []
    snapshot = ()
    for step in range(250):
        snapshot = (*snapshot, {"id": step, "text": f"paragraph {step}", "tags": (step % 3,)})
        history.append(snapshot)
    return len(history), len(history[-1]), history[200][100]["text"]

"""Keep an undo history of a growing document as snapshots of its paragraphs."""

import copy


def entry():
    document = []
    history = []
    for step in range(250):
        document.append({"id": step, "text": f"paragraph {step}", "tags": [step % 3]})
        history.append(copy.deepcopy(document))
    return len(history), len(history[-1]), history[200][100]["text"]

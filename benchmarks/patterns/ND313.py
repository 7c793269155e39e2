"""ND313: growing a DataFrame with concat in a loop of batches of 100 rows."""

import pandas as pd


def setup(n):
    return ([pd.DataFrame({"x": range(b, b + 100)}) for b in range(0, max(n, 100), 100)],)


def entry(batches):
    frame = pd.DataFrame({"x": []})
    for batch in batches:
        frame = pd.concat([frame, batch], ignore_index=True)
    return frame["x"].astype(int).tolist()


def advised(batches):
    frame = pd.concat([pd.DataFrame({"x": []}), *batches], ignore_index=True)
    return frame["x"].astype(int).tolist()

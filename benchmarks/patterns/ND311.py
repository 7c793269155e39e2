"""ND311: scaling a numpy array element by element."""

import numpy as np


def setup(n):
    return (np.arange(n, dtype=np.float64),)


def entry(values):
    out = np.empty_like(values)
    for i in range(len(values)):
        out[i] = values[i] * 2.0 + 1.0
    return out.tolist()


def advised(values):
    return (values * 2.0 + 1.0).tolist()

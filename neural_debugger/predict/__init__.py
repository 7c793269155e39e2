"""Predictions: decoding under constraints, constant folding, composed steps, long sources, eval.

What the CLI and the server call. May import `model` and `groundtruth` (and `analyzers` for
static facts); nothing in `neural_debugger` imports it.
"""

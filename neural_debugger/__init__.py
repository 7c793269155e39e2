"""The neural debugger, in three packages whose imports run one way: predict -> model -> groundtruth.

- `groundtruth`: what really happens. The tracer, its sandbox, debugpy over DAP, the debugger
  actions as functions of a trace, verification and the trace corpora.
- `model`: what is learned. Tokenizer, encoding of (source, stop, action) examples, the
  transformer, training and checkpoints.
- `predict`: what the product answers. Constrained decoding, constant folding, composed steps,
  the long-source view and evaluation.

A test (tests/test_architecture.py) walks every import, lazy ones included, and fails on a cycle
or on an arrow that points the wrong way.
"""

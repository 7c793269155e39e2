"""The model: tokenizer, example encoding, the transformer, training and checkpoints.

May import `groundtruth` (the trace schema, the actions that define training targets, the corpus
reader) and `kernels` (to serve quantized weights); never `predict`.
"""

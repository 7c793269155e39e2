"""Ground truth: real executions of user code and what a debugger would do from each stop.

Owns the trace schema (`trace`), the `sys.settrace` tracer and the sandbox its workers run in,
debugpy sessions over DAP, the debugger actions as pure functions of a trace, `verify` (a
prediction beside the real run) and the training corpora (`corpus/`). Imports nothing else of
`neural_debugger`: the model and the predictions are built on it, never the other way.
"""

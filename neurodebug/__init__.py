"""neurodebug: predict where Python code goes and what it computes, and how to make it faster.

The package root holds the CLI and configuration; the parts live in
`neurodebug.analyzers`, `neurodebug.neural_debugger`, `neurodebug.kernels` and `neurodebug.server`.
"""

__version__ = "0.1.0"

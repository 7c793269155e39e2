"""neurodebug: predict where Python code goes and what it computes, and how to make it faster.

The package root holds the CLI and configuration; the parts live in
`neurodebug.analyzers`, `neurodebug.neural_debugger`, `neurodebug.kernels` and `neurodebug.server`.
"""

from pathlib import Path as _Path

__version__ = "0.1.0"

# In a source checkout the parts are folders beside this one (setup.py maps them into the
# package when it is installed). When the checkout itself comes first on sys.path — e.g.
# `python3 -m neurodebug` run from the repository root over a non-editable install — this
# folder shadows the installed package, so let its submodules resolve to those folders too.
_checkout = _Path(__file__).resolve().parent.parent
if (_checkout / "setup.py").is_file() and (_checkout / "analyzers" / "__init__.py").is_file():
    __path__.append(str(_checkout))

"""Line-level tracing of one entry call with `sys.settrace`: the API callers use.

`trace_source(...)` / `trace_entry(...)` are what callers use (the CLI, the server, tests): they
hand the job to a sandbox worker subprocess and return a `Trace`. User code never runs in the
calling process.

The tracer has two halves in two modules, so that the imports run one way: this half uses
`sandbox.py`, whose forked children run `recorder.record_call` (the child's half, which also
renders values); neither imports this module. The names callers have always imported from here
(`Limits`, `safe_repr`, `exception_text`) stay importable from here.
"""

from __future__ import annotations

from pathlib import Path

from neurodebug.neural_debugger.groundtruth.limits import Limits
from neurodebug.neural_debugger.groundtruth.recorder import (
    exception_text,
    run_module_name,
    safe_repr,
)
from neurodebug.neural_debugger.groundtruth.trace import Trace

__all__ = ["Limits", "exception_text", "safe_repr", "trace_entry", "trace_source"]


def trace_source(
    source: str,
    call: str,
    *,
    filename: str = "<program>",
    module_dir: str | None = None,
    package: str | None = None,
    limits: Limits | None = None,
) -> Trace:
    """Trace `call` (e.g. `f(3, [1, 2])`) against `source` in a fresh sandboxed subprocess;
    `package`: the one the source's relative imports are relative to."""
    # here, not at the top: callers that only render values (`safe_repr`) skip the sandbox's
    # process and namespace machinery
    from neurodebug.neural_debugger.groundtruth.sandbox import Job, run_jobs

    job = Job(source, call, filename, module_dir=module_dir, package=package)
    return next(iter(run_jobs([job], limits or Limits(), workers=1)))


def trace_entry(
    path: Path | str, function: str, call: str | None = None, *, limits: Limits | None = None
) -> Trace:
    """Trace `FILE::FUNC` called as `call` (default `FUNC()`); lines are the file's own lines.

    The file's folder is put first on the child's `sys.path` so sibling imports work, or, for a
    module of a package, the folder above the package, with the package's relative imports
    resolving (`package_of`); the run happens in a fresh temporary working folder with stdin
    closed.
    """
    file = Path(path).resolve()
    source = file.read_text(encoding="utf-8")
    folder, package = package_of(file)
    return trace_source(
        source,
        call or f"{function}()",
        filename=str(file),
        module_dir=str(folder),
        package=package,
        limits=limits,
    )


def module_of_file(path: Path | None) -> str:
    """The module name `path` runs under when traced or debugged (`recorder.run_module_name`):
    what an object of its classes shows (`<pkg.__neurodebug_main__.C object>`). A document
    that is no file on disk runs as a plain script."""
    if path is None or not path.is_file():
        return run_module_name(None)
    return run_module_name(package_of(path.resolve())[1])


def package_of(file: Path) -> tuple[Path, str | None]:
    """Where a file's imports resolve from: the folder to put first on `sys.path`, and the
    package its relative imports (`from .i18n import _`) are relative to (None: a plain script,
    whose own folder goes on `sys.path`)."""
    parts: list[str] = []
    folder = file.parent
    while (folder / "__init__.py").is_file() and folder.name.isidentifier():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts) or None

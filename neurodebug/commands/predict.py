"""`neurodebug predict FILE::FUNC [--call "f(…)"]`: the neural debugger's predicted stops.

Without `--call`, the function's entry call is used, found as the editor finds it
(`groundtruth.entries`: a `# neurodebug: f(…)` comment, a doctest in the function's or the
module's docstring, the first literal call in its test file).

Nothing runs: the model predicts the stops an action sequence would reach (step into by default)
and the call's return value. JSON output has the shape of `verify`:
`{"stops": [{event, line, function, depth, locals}, …], "result": "<repr>"}`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from neurodebug.extras import require_neural

ACTION_CHOICES = ("step_into", "step_over", "step_out", "continue", "step_back")


def parse_target(text: str) -> tuple[Path, str]:
    """`path/to/file.py::function` -> (path, function)."""
    path, separator, function = text.rpartition("::")
    if not separator or not path or not function:
        raise argparse.ArgumentTypeError(f"expected FILE::FUNC, got {text!r}")
    return Path(path), function


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint folder")
    parser.add_argument(
        "--bits", type=int, default=None, help="serve the model quantized to 2–8 bit weights"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--model-only",
        action="store_true",
        help="the model alone: no constant folding, step out / continue not composed of steps",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="predict a function's debugger stops without running it",
        description=__doc__,
    )
    parser.add_argument("target", type=parse_target, metavar="FILE::FUNC")
    parser.add_argument(
        "--call",
        help='the entry call, e.g. "f(3, [1, 2])" (default: the entry comment, doctest or test)',
    )
    parser.add_argument("--action", choices=ACTION_CHOICES, default="step_into")
    parser.add_argument(
        "--breakpoint", type=int, action="append", default=[], metavar="LINE", help="for continue"
    )
    parser.add_argument("--steps", type=int, default=50, help="most stops to predict")
    add_model_arguments(parser)
    parser.set_defaults(handler=run)


def warm_kernel(bits: int | None, command: str) -> None:
    """Build the CPU kernel a quantized model needs before loading it, saying so on stderr: the
    first build takes about a minute, and a silent pause that long looks like a hang. Where it
    cannot be built, the quantized model runs on the (slower) reference, with a warning."""
    if bits is None or bits >= 8:
        return
    from neurodebug.kernels import cpu, kernel_cache

    if cpu.is_built():
        return
    print(
        f"neurodebug {command}: building the {bits}-bit CPU kernel once "
        f"(about a minute; cached in {kernel_cache.library_folder()})…",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    if cpu.warm_up():
        print(
            f"neurodebug {command}: kernel built in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )


def load(args: argparse.Namespace, command: str) -> object | None:
    """The predictor, or None after printing why it cannot be loaded."""
    require_neural(command)
    from neurodebug.neural_debugger.model.checkpoint import CheckpointError
    from neurodebug.neural_debugger.predict.inference import PredictionError, load_predictor

    warm_kernel(args.bits, command)
    try:
        predictor = load_predictor(args.checkpoint, bits=args.bits)
        predictor.fold = predictor.compose = not args.model_only
        return predictor
    except (CheckpointError, PredictionError) as error:
        print(f"neurodebug {command}: {error}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    from neurodebug.neural_debugger.groundtruth.entries import entry_of_function
    from neurodebug.neural_debugger.groundtruth.tracer import module_of_file
    from neurodebug.neural_debugger.predict.context import predict_trace_in_context
    from neurodebug.neural_debugger.predict.inference import PredictionError, Predictor

    path, function = args.target
    if not path.is_file():
        print(f"neurodebug predict: no such file: {path}", file=sys.stderr)
        return 2
    source = path.read_text(encoding="utf-8")
    call = args.call
    if call is None:
        found = entry_of_function(source, function, path)
        if found is None:
            print(
                f"neurodebug predict: no entry call for {function}: pass --call, or add "
                f"`# neurodebug: {function}(...)` above it or a doctest `>>> {function}(...)`",
                file=sys.stderr,
            )
            return 2
        call = found.call
    predictor = load(args, "predict")
    if not isinstance(predictor, Predictor):
        return 2
    try:
        trace = predict_trace_in_context(
            predictor, source, function, call, args.action, args.breakpoint, max(1, args.steps),
            module=module_of_file(path),
        )  # fmt: skip
    except PredictionError as error:
        print(f"neurodebug predict: {error}", file=sys.stderr)
        return 2
    payload = {
        "stops": [step.to_json() for step in trace.steps],
        "result": trace.result,
        "exception": trace.exception,
        "status": trace.status,
    }
    if args.format == "json":
        print(json.dumps(payload, indent=2))
        return 0
    lines = source.splitlines()
    for step in trace.steps:
        code = lines[step.line - 1].strip() if 0 < step.line <= len(lines) else ""
        shown = ", ".join(f"{k}={v}" for k, v in step.locals.items())
        extra = f" -> {step.value}" if step.value is not None else ""
        sure = f"  (p={step.probability:.2f})" if step.probability < 1.0 else ""
        print(
            f"{step.event:<9} {step.function}:{step.line:<4} {'  ' * step.depth}{code}{extra}{sure}"
        )
        if shown:
            print(f"{'':<10}{'  ' * step.depth}  {shown}")
    if trace.exception:
        print(f"raises: {trace.exception}")
    else:
        print(f"result: {trace.result}")
    return 0

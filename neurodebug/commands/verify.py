"""`neurodebug verify FILE::FUNC [--call "…"]`: walk an entry in a real debugpy session.

Prints debugpy's stops with their locals (text or JSON) and checks them against the tracer's
view of the same run. Exit status: 0 when they agree, 1 on any disagreement, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Literal

from neurodebug.neural_debugger.groundtruth.actions import FORWARD_ACTIONS
from neurodebug.neural_debugger.groundtruth.verify import (
    EntryError,
    Predict,
    VerifyResult,
    check_entry,
    verify_entry,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="walk FILE::FUNC in a real debugpy session and check it against the tracer",
        description=__doc__,
    )
    parser.add_argument("entry", metavar="FILE::FUNC", help="the file and the function to call")
    parser.add_argument(
        "--call",
        help='the call expression, e.g. "f(3, [1, 2])" (default: the entry comment, doctest or '
        "test, as for predict; else FUNC())",
    )
    parser.add_argument(
        "--action",
        choices=FORWARD_ACTIONS,
        default="step_into",
        help="the debugger action to repeat",
    )
    parser.add_argument(
        "--breakpoint",
        dest="breakpoints",
        type=int,
        action="append",
        default=[],
        metavar="LINE",
        help="a breakpoint line (repeatable; needed by --action continue)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole session")
    parser.add_argument(
        "--max-stops", type=int, default=500, help="stop the walk after this many stops"
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="model checkpoint folder for the prediction (default: the shipped one, if present)",
    )
    parser.add_argument(
        "--no-predict", action="store_true", help="skip the model's prediction and its agreement"
    )
    parser.set_defaults(handler=run)


def _configured_call(path: Path, function: str) -> str | None:
    """The function's entry call as `predict` and the editor find it, or None (then FUNC())."""
    from neurodebug.neural_debugger.groundtruth.entries import entry_of_function

    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # check_entry reports the unreadable file
    found = entry_of_function(source, function, path)
    if found is None:
        return None
    print(f"neurodebug verify: calling {found.call} (from the {found.origin})", file=sys.stderr)
    return found.call


def run(args: argparse.Namespace) -> int:
    path, sep, function = args.entry.rpartition("::")
    if not sep or not path or not function:
        print("neurodebug verify: the entry must look like FILE::FUNC", file=sys.stderr)
        return 2
    if args.call is None:
        args.call = _configured_call(Path(path), function)
    try:  # usage errors first, before a model is loaded
        check_entry(Path(path), function, args.call)
        if args.action == "continue" and not args.breakpoints:
            raise EntryError("continue needs at least one --breakpoint")
    except EntryError as error:
        print(f"neurodebug verify: {error}", file=sys.stderr)
        return 2
    predict = None if args.no_predict else load_predict(args.checkpoint, Path(path))
    if predict is False:
        return 2
    try:
        result = verify_entry(
            Path(path),
            function,
            args.call,
            action=args.action,
            breakpoints=args.breakpoints,
            timeout=args.timeout,
            max_stops=args.max_stops,
            predict=predict or None,
        )
    except EntryError as error:
        print(f"neurodebug verify: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(render_text(result))
    return 0 if result.agree else 1


def load_predict(checkpoint: Path | None, file: Path) -> Predict | Literal[False] | None:
    """The model's `predict_trace` for `file`, None when no model is available (and none was
    asked for), False when the asked-for checkpoint cannot be loaded (a usage error)."""
    from neurodebug.extras import MissingExtraError, neural_available

    if not neural_available():
        if checkpoint is not None:
            print(
                "neurodebug verify: --checkpoint needs the neural extra (pip install 'neurodebug[neural]')",
                file=sys.stderr,
            )
            return False
        return None
    try:
        from neurodebug.neural_debugger.model.checkpoint import CheckpointError
        from neurodebug.neural_debugger.predict.inference import load_predictor

        predictor = load_predictor(checkpoint)
    except (CheckpointError, MissingExtraError, OSError) as error:
        if checkpoint is not None:
            print(f"neurodebug verify: {error}", file=sys.stderr)
            return False
        logging.getLogger(__name__).info("no prediction: %s", error)
        return None
    from neurodebug.neural_debugger.groundtruth.tracer import module_of_file
    from neurodebug.neural_debugger.predict.context import predict_trace_in_context

    # the name the file runs under: what its objects show (`<pkg.__neurodebug_main__.C object>`)
    return functools.partial(predict_trace_in_context, predictor, module=module_of_file(file))


def render_text(result: VerifyResult) -> str:
    """A table of debugpy's stops, marking each that disagrees with the tracer, then the outcome."""
    wrong = {item.stop for item in result.disagreements}
    lines = [f"{result.path}::{result.function}  {result.call}  ({result.action})"]
    for number, step in enumerate(result.debugger.steps):
        shown = ", ".join(f"{name}={value}" for name, value in step.locals.items())
        mark = "!!" if number in wrong else "ok"
        lines.append(
            f"  {mark} {number:>3}  line {step.line:<4} {'  ' * step.depth}{step.function}  {shown}"
        )
    if result.debugger.exception is not None:
        lines.append(f"exception: {result.debugger.exception}")
    else:
        lines.append(f"result: {result.debugger.result}")
    if result.agree:
        lines.append(f"debugpy and the tracer agree on {len(result.debugger.steps)} stops.")
    else:
        lines.append(f"{len(result.disagreements)} disagreement(s) with the tracer:")
        for item in result.disagreements:
            where = "outcome" if item.stop < 0 else f"stop {item.stop}"
            lines.append(
                f"  {where}: {item.field}: tracer {item.expected!r}, debugpy {item.actual!r}"
            )
    if result.prediction_error is not None:
        lines.append(f"prediction: none ({result.prediction_error})")
    if result.prediction is not None and result.prediction_agreement is not None:
        agreement = result.prediction_agreement
        lines.append(
            f"prediction: {agreement.predicted_steps} stops (tracer: {agreement.true_steps}), "
            f"line accuracy {agreement.line_accuracy:.0%}, "
            f"changed-locals exact {agreement.changed_locals_exact:.0%}, "
            f"result {'matches' if agreement.result_matches else 'differs'} "
            f"(predicted {result.prediction.exception or result.prediction.result})"
        )
    return "\n".join(lines)

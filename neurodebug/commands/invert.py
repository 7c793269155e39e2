"""`neurodebug invert FILE::FUNC --output "<repr>" [--check]`: predict a call giving an output.

The model proposes `--candidates` calls (its best guess, then samples) from the wanted return
value; the first one that constant folding shows to return it is the answer (no code runs).
With `--check` the candidates are also run for real (in the tracer's sandbox: a subprocess with
a timeout and its own temporary folder) until one returns the output, and the command says
whether the answer does (exit 1 when it does not). Else the best guess is printed, unchecked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from neurodebug.commands.predict import add_model_arguments, load, parse_target

if TYPE_CHECKING:
    from neurodebug.neural_debugger.predict.context import SourceView


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "invert", help="predict arguments that make a function return a value", description=__doc__
    )
    parser.add_argument("target", type=parse_target, metavar="FILE::FUNC")
    parser.add_argument("--output", required=True, help="the wanted return value's repr")
    parser.add_argument(
        "--check", action="store_true", help="run the candidate calls to find one that works"
    )
    parser.add_argument(
        "--candidates", type=int, default=8, help="calls the model proposes (1: its best guess)"
    )
    add_model_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from neurodebug.neural_debugger.groundtruth.tracer import trace_entry
    from neurodebug.neural_debugger.predict.context import in_context
    from neurodebug.neural_debugger.predict.inference import PredictionError, Predictor
    from neurodebug.neural_debugger.predict.invert import InvertAnswer, choose_call

    path, function = args.target
    if not path.is_file():
        print(f"neurodebug invert: no such file: {path}", file=sys.stderr)
        return 2
    if args.candidates < 1:
        print("neurodebug invert: --candidates must be at least 1", file=sys.stderr)
        return 2
    predictor = load(args, "invert")
    if not isinstance(predictor, Predictor):
        return 2
    source = path.read_text(encoding="utf-8")
    ran: dict[str, tuple[str | None, str | None, bool]] = {}

    def run_calls(calls: Sequence[str]) -> list[bool]:
        """Run candidates in order (each in the sandbox, with a timeout, in its own folder)
        until one returns the output; the ones after it are not run."""
        for call in calls:
            trace = trace_entry(path, function, call)
            ok = trace.status == "ok" and trace.result == args.output
            ran[call] = (trace.result, trace.exception, ok)
            if ok:
                break
        return [call in ran and ran[call][2] for call in calls]

    def ask(view: SourceView) -> InvertAnswer:
        check = run_calls if args.check else None
        return choose_call(predictor, view.text, function, args.output, args.candidates, check)

    try:  # a long module: the function and what it uses may still fit
        answer = in_context(source, function, ask)
    except PredictionError as error:
        print(f"neurodebug invert: {error}", file=sys.stderr)
        return 2
    payload: dict[str, object] = {
        "call": answer.call,
        "checked": answer.checked,
        "echo": answer.echo,
    }
    status = 0
    if args.check:
        if answer.call not in ran:  # found by folding: run it anyway, as asked
            run_calls([answer.call])
        returned, exception, ok = ran[answer.call]
        payload.update(returned=returned, exception=exception, ok=ok)
        status = 0 if ok else 1
    if args.format == "json":
        print(json.dumps(payload, indent=2))
        return status
    print(answer.call)
    if answer.echo:
        print(
            "echo: the function hands this output back (no candidate of the model's was shown to)"
        )
    if answer.checked == "folding":
        print(f"checked by folding: returns {args.output} (computed, nothing ran)")
    if args.check:
        got = payload["exception"] or payload["returned"]
        verdict = "returns" if payload["ok"] else "does NOT return"
        print(
            f"check: {verdict} {args.output} (got {got}; {len(ran)} of {answer.candidates} candidates run)"
        )
    elif answer.checked is None:
        print(f"unchecked: the most likely of {answer.candidates} candidates (--check runs them)")
    return status

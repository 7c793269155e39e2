"""`neurodebug invert FILE::FUNC --output "<repr>" [--check]`: predict a call giving an output.

The model predicts the function's arguments from the wanted return value. With `--check` the
predicted call is run for real (in the tracer's sandbox: a subprocess with a timeout and its own
temporary folder) and the command says whether it returns the output (exit 1 when it does not).
"""

from __future__ import annotations

import argparse
import json
import sys

from neurodebug.commands.predict import add_model_arguments, load, parse_target


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "invert", help="predict arguments that make a function return a value", description=__doc__
    )
    parser.add_argument("target", type=parse_target, metavar="FILE::FUNC")
    parser.add_argument("--output", required=True, help="the wanted return value's repr")
    parser.add_argument("--check", action="store_true", help="run the predicted call to verify")
    add_model_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from neurodebug.neural_debugger.predict.context import predict_inputs_in_context
    from neurodebug.neural_debugger.predict.inference import PredictionError, Predictor

    path, function = args.target
    if not path.is_file():
        print(f"neurodebug invert: no such file: {path}", file=sys.stderr)
        return 2
    predictor = load(args, "invert")
    if not isinstance(predictor, Predictor):
        return 2
    source = path.read_text(encoding="utf-8")
    try:  # a long module: the function and what it uses may still fit
        call = predict_inputs_in_context(predictor, source, function, args.output)
    except PredictionError as error:
        print(f"neurodebug invert: {error}", file=sys.stderr)
        return 2
    payload: dict[str, object] = {"call": call}
    status = 0
    if args.check:
        from neurodebug.neural_debugger.groundtruth.tracer import trace_entry

        trace = trace_entry(path, function, call)
        payload["returned"] = trace.result
        payload["exception"] = trace.exception
        payload["ok"] = trace.status == "ok" and trace.result == args.output
        status = 0 if payload["ok"] else 1
    if args.format == "json":
        print(json.dumps(payload, indent=2))
    else:
        print(call)
        if args.check:
            got = payload["exception"] or payload["returned"]
            verdict = "returns" if payload["ok"] else "does NOT return"
            print(f"check: {verdict} {args.output} (got {got})")
    return status

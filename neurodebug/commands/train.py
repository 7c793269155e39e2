"""`neurodebug train --corpus DIR --out DIR`: train (or resume) the neural debugger's model.

Resumes exactly where a run stopped when OUT already holds one; works the same under
`torchrun --nproc_per_node N -m neurodebug train …` (DistributedDataParallel).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, fields
from pathlib import Path

from neurodebug.extras import require_neural


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from neurodebug.neural_debugger.model.train_options import TrainOptions

    parser = subparsers.add_parser(
        "train",
        help="train or resume the neural debugger's model on a trace corpus",
        description=__doc__,
    )
    parser.add_argument(
        "--corpus", help="trace corpus folder, or several comma-separated (corpus/v1,corpus/v2)"
    )
    parser.add_argument("--out", required=True, help="run folder: data, state, checkpoints")
    defaults = TrainOptions(corpus="", out="")
    for field in fields(TrainOptions):
        if field.name in ("corpus", "out"):
            continue
        value = getattr(defaults, field.name)
        parser.add_argument(
            "--" + field.name.replace("_", "-"),
            type=_yes_no if isinstance(value, bool) else type(value),
            default=None,
            help=f"(default {value}; a resumed run keeps its own)",
        )
    parser.add_argument(
        "--max-minutes", type=float, default=0.0, help="stop after this long (0: at --steps)"
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PNG",
        help="only draw OUT's validation metrics against tokens seen into PNG, then exit",
    )
    parser.set_defaults(handler=run)


def _yes_no(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")


def run(args: argparse.Namespace) -> int:
    require_neural("train")
    from neurodebug.neural_debugger.model.train import train
    from neurodebug.neural_debugger.model.train_options import TrainOptions

    out = Path(args.out)
    if args.plot:
        from neurodebug.neural_debugger.predict.evaluate import plot_training

        plot_training(out / "metrics.jsonl", args.plot)
        return 0
    if not args.corpus:
        print("neurodebug train: --corpus is required to train", file=sys.stderr)
        return 2
    saved = out / "options.json"
    options = TrainOptions(corpus=args.corpus, out=args.out)
    if saved.exists():  # a resumed run keeps its shape; flags given now override the rest
        stored = json.loads(saved.read_text())
        stored.setdefault("isolate_examples", False)  # runs from before the option existed
        stored.setdefault("tokenizer", "words")
        options = TrainOptions(**{**asdict(options), **stored})
    for field in fields(TrainOptions):
        value = getattr(args, field.name, None)
        if value is not None:
            setattr(options, field.name, value)
    options.corpus, options.out = args.corpus, args.out
    out.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(asdict(options), indent=2) + "\n")
    metrics = train(options, max_minutes=args.max_minutes)
    print(json.dumps(metrics, indent=2), file=sys.stdout)
    return 0

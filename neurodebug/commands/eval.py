"""`neurodebug eval --checkpoint DIR [--split test]`: measure the neural debugger on held-out code.

Prints a table (text) or JSON with per-action next-line / event / changed-locals / full-state
accuracy, output pass@1, input pass@1 (predicted calls are run in the tracer's sandbox) and
rollout line-sequence exact match and the share of programs accepted (not refused as too long),
for synthetic programs, harvested stdlib functions (their calls run inside their module) and
functions recorded in real projects' test suites (`trace-suites`; their inputs are checked only
with `--suite-packages`, where the projects are installed: the calls need the project).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from neurodebug.extras import require_neural

DEFAULT_CORPORA = (Path("corpus/v1"), Path("corpus/stdlib-v1"))
"""Synthetic programs and harvested real-world (stdlib) functions, as `trace-corpus` writes them."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="measure a neural debugger checkpoint on held-out programs",
        description=__doc__,
    )
    parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint folder")
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        default=None,
        help="trace corpus folder, repeatable (default: corpus/v1 and corpus/stdlib-v1)",
    )
    parser.add_argument("--split", default="test", choices=("train", "val", "test"))
    parser.add_argument("--programs", type=int, default=300, help="programs per kind (sampled)")
    parser.add_argument("--per-trace", type=int, default=10, help="transitions per program")
    parser.add_argument("--no-rollouts", action="store_true", help="skip whole-trace rollouts")
    parser.add_argument(
        "--fold",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="let constant folding decide the steps it can (--no-fold: the model alone)",
    )
    parser.add_argument(
        "--compose",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="predict step out / continue as single steps (--no-compose: one direct prediction)",
    )
    parser.add_argument(
        "--view",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="read sources without docstrings, comments and blank lines (--no-view: as given)",
    )
    parser.add_argument(
        "--branch-prior",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after an `if` line, score `raise` lines and a returning body down as the next "
        "line (--no-branch-prior: the model's own scores)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    parser.add_argument(
        "--suite-packages",
        type=Path,
        default=None,
        help="a site-packages folder where the pinned projects are installed: inputs predicted "
        "for functions recorded in their suites are then run inside their modules and checked",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    torch = require_neural("eval")
    from neurodebug.bench.projects import load_projects
    from neurodebug.neural_debugger.model.checkpoint import CheckpointError
    from neurodebug.neural_debugger.model.dataset import Program
    from neurodebug.neural_debugger.predict.evaluate import (
        RunContext,
        evaluate_programs,
        load_contexts,
        load_split,
        summary_rows,
    )
    from neurodebug.neural_debugger.predict.inference import load_predictor

    torch.set_num_threads(args.threads)
    corpora = args.corpus or [p for p in DEFAULT_CORPORA if p.is_dir()]
    missing = [str(p) for p in corpora if not p.is_dir()]
    if missing or not corpora:
        print(f"neurodebug eval: no corpus at {', '.join(missing) or 'corpus/v1'}", file=sys.stderr)
        return 2
    try:
        predictor = load_predictor(args.checkpoint)
    except CheckpointError as error:
        print(f"neurodebug eval: {error}", file=sys.stderr)
        return 2
    predictor.fold, predictor.compose, predictor.view = args.fold, args.compose, args.view
    if not args.branch_prior:
        predictor.branch_bias = {}
    groups: dict[str, list[Program]] = {"synthetic": [], "real": [], "suite": []}
    contexts: dict[str, RunContext] = {}
    packages = {p.name: Path(p.source_dir).name for p in load_projects()}
    for corpus in corpora:
        for kind, programs in load_split(corpus, args.split).items():
            groups[kind].extend(programs)
        contexts.update(load_contexts(corpus, args.split, args.suite_packages, packages))
    results: dict[str, object] = {
        "checkpoint": str(args.checkpoint or "shipped"),
        "split": args.split,
        "fold": args.fold,
        "compose": args.compose,
        "view": args.view,
        "branch_prior": predictor.branch_bias,
        "model": predictor.facts,
    }
    for kind, programs in groups.items():
        if not programs:
            continue
        random.Random(args.seed).shuffle(programs)

        def progress(done: int, total: int, kind: str = kind) -> None:
            if done % 25 == 0:
                print(f"eval {kind}: {done}/{total}", file=sys.stderr, flush=True)

        results[kind] = evaluate_programs(
            predictor,
            programs[: args.programs],
            seed=args.seed,
            per_trace=args.per_trace,
            check_inputs=kind != "suite" or args.suite_packages is not None,
            contexts=contexts,  # a suite's calls need the project to run
            rollouts=not args.no_rollouts,
            progress=progress,
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    if args.format == "json":
        print(json.dumps(results, indent=2))
        return 0
    for kind in groups:
        if kind not in results:
            continue
        section = results[kind]
        assert isinstance(section, dict)
        print(f"{kind} ({section['programs']} programs, {args.split} split)")
        print(f"{'metric':<34} {'acc %':>6} {'n':>6}")
        for name, accuracy, count in summary_rows(section):
            print(f"{name:<34} {accuracy:>6} {count:>6}")
        sure = section.get("calibration", {})
        if sure.get("n"):
            right, exact = sure["confident_accuracy"], sure.get("certain_accuracy")
            print(
                f"calibration: ECE {sure['ece']:.3f}; p >= {sure['confident_at']}: "
                f"{100 * sure['confident_share']:.1f}% of {sure['n']} stops, "
                f"{'-' if right is None else f'{100 * right:.1f}%'} right; p = 1 (folded): "
                f"{100 * sure.get('certain_share', 0):.1f}%, "
                f"{'-' if exact is None else f'{100 * exact:.1f}%'} right"
            )
    return 0

"""`neurodebug analyze --profile CMD` / `--predict`: the options and the ranked output.

Kept out of `commands/analyze.py` so that command only wires two calls: `add_arguments` when
it builds its parser and `ranked_output` after it has the findings' records.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neurodebug.cost import DEFAULT_TIMEOUT_S

if TYPE_CHECKING:  # the profiler and the ranking load only when --profile/--predict is given
    from neurodebug.cost.profiling import Profile

LOG = logging.getLogger(__name__)


class RankingError(RuntimeError):
    """Ranking was asked for but cannot be done (the profile run failed, no predictor…)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ranking options of `neurodebug analyze`."""
    group = parser.add_argument_group("ranking by cost")
    group.add_argument(
        "--profile",
        metavar="CMD",
        help='run CMD once under the line profiler ("pytest tests/", "python -m pkg", '
        '"python script.py") and rank findings by measured cost',
    )
    group.add_argument(
        "--profile-timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help=f"stop the profiled command after S seconds (default {DEFAULT_TIMEOUT_S:g})",
    )
    group.add_argument(
        "--profile-temp-cwd",
        action="store_true",
        help="run the profiled command in a fresh temporary folder (project on PYTHONPATH)",
    )
    group.add_argument(
        "--predict",
        action="store_true",
        help="rank by cost predicted by the neural debugger from doctests, "
        "`# neurodebug: f(...)` comments and calls in tests (runs nothing)",
    )
    group.add_argument(
        "--predict-steps",
        type=int,
        default=200,
        metavar="N",
        help="predicted steps per entry call (default 200)",
    )
    group.add_argument(
        "--predict-checkpoint",
        type=Path,
        metavar="DIR",
        help="model checkpoint folder for --predict (default: the shipped one)",
    )
    group.add_argument(
        "--top", type=int, default=3, metavar="N", help="length of the top list (default 3)"
    )


def wanted(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "profile", None) or getattr(args, "predict", False))


def _python_files(paths: list[Path]) -> list[Path]:
    from neurodebug.files import iter_python_files

    return [Path(path) for path in iter_python_files(paths)]


def build_profile(args: argparse.Namespace, project: Path) -> Profile:
    """Measure (`--profile`) or predict (`--predict`) the profile, and save it for the server."""
    from neurodebug.cost.profiling import PROFILE_FILE, ProfileError, run_profile

    if args.profile and args.predict:
        raise RankingError("--profile and --predict cannot be combined")
    if args.profile:
        try:
            run = run_profile(
                args.profile,
                project,
                timeout_s=args.profile_timeout,
                temp_cwd=args.profile_temp_cwd,
            )
        except ProfileError as error:
            raise RankingError(str(error)) from None
        if run.profile.exit_code != 0:
            LOG.warning("`%s` exited with status %d", args.profile, run.profile.exit_code)
            sys.stderr.write(run.stderr[-2000:])
        profile = run.profile
    else:
        from neurodebug.cost.predicted_cost import predict_profile
        from neurodebug.neural_debugger.predict.inference import CheckpointError, load_predictor

        try:
            predictor = load_predictor(args.predict_checkpoint)
        except CheckpointError as error:
            raise RankingError(
                f"--predict needs the neural debugger's checkpoint: {error}"
            ) from None
        predicted = predict_profile(
            _python_files(args.paths), predictor, project, max_steps=args.predict_steps
        )
        for path, entry, reason in predicted.skipped:
            LOG.warning("%s: cannot predict %s: %s", path, entry.call, reason)
        if not predicted.used:
            raise RankingError(
                "--predict found no entry call the model can roll out: add a doctest "
                "(`>>> f(3)`), a `# neurodebug: f(3)` comment or a test that calls the function "
                "with literal arguments"
                + (f" ({len(predicted.skipped)} skipped, see the log)" if predicted.skipped else "")
            )
        profile = predicted.profile
    profile.save(project / PROFILE_FILE)
    return profile


def ranked_output(
    args: argparse.Namespace,
    records: list[dict[str, Any]],
    formatters: Mapping[str, Callable[[list[dict[str, Any]]], str]],
    unselected_paths: Iterable[str] = (),
) -> tuple[str, list[dict[str, Any]]]:
    """The findings ranked under the measured or predicted profile, in `args.format`; the
    opt-in rules' findings only on hot lines of `unselected_paths` (files that select no
    rules, for which `analyze` ran the opt-in rules). Also the records shown, which the
    summary counts."""
    project = Path.cwd()
    profile = build_profile(args, project)
    from neurodebug.cost.ranking import (
        add_sarif_properties,
        keep_opt_in_where_hot,
        load_typical_speedups,
        rank_records,
        text_report,
    )

    ranked = keep_opt_in_where_hot(
        rank_records(records, profile, load_typical_speedups(), base=project), unselected_paths
    )
    if args.format == "text":
        return text_report(ranked, profile, top=max(0, args.top)), ranked
    output = formatters[args.format](ranked)
    if args.format == "sarif":
        output = add_sarif_properties(output, ranked)
    return output, ranked

"""Rank findings by what fixing them would save: cost share × the rule's typical speedup.

A linter that lists thousands of findings is noise; a profile says which few matter. For each
finding this attaches, from a `Profile` (measured by `neurodebug.cost.profiling` or predicted by the
neural debugger's rollouts):

- `hits`: how often the finding's own lines ran (the most-run line of its span);
- `time_share`: the share of the run's cost spent in the lines it covers — the whole
  innermost loop (or comprehension) around it for loop rules, the whole function for a
  recursion finding, else its own lines;
- `expected_saving` = time_share × (1 − 1 / typical speedup): the share of the run the fix
  would save if it speeds the covered code up by the rule's typical factor.

Typical speedups come from `neurodebug bench fixes` results when present (measured per rule on
its fixture), otherwise from the conservative priors below, and each estimate says which.
Findings in code that never ran drop to hints. LSP-free: the server calls `rank_findings`
with a document's findings and the profile saved in `.neurodebug_cache/profile.json`.
"""

from __future__ import annotations

import functools
import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tree_sitter

from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import Finding, Severity, rule_by_code
from neurodebug.cost.profiling import PROFILE_FILE, LineCost, Profile, ProfileKind, load_profile

PRIOR_SPEEDUPS: dict[str, float] = {
    # Conservative per-rule factors for the code a finding covers, used only when no
    # `bench fixes` measurement exists. Quadratic-to-linear rewrites get the large ones.
    "ND101": 1.1, "ND102": 1.1, "ND103": 1.05, "ND104": 1.3, "ND105": 1.5, "ND106": 1.3,
    "ND107": 1.2, "ND108": 1.1, "ND109": 1.5, "ND110": 1.1, "ND111": 1.05,
    "ND201": 1.2, "ND202": 1.2, "ND203": 1.1, "ND204": 1.2, "ND205": 1.3, "ND206": 1.3,
    "ND207": 1.2, "ND208": 1.3, "ND209": 1.3, "ND210": 1.1, "ND211": 2.0, "ND212": 5.0,
    "ND213": 1.1, "ND214": 1.2, "ND215": 1.2, "ND216": 1.2, "ND217": 1.1, "ND218": 1.2,
    "ND219": 1.1, "ND220": 1.1, "ND221": 1.3, "ND222": 1.5,
    "ND301": 1.5, "ND302": 10.0, "ND303": 5.0, "ND304": 1.5, "ND305": 1.3, "ND306": 20.0,
    "ND307": 10.0, "ND308": 10.0, "ND309": 2.0, "ND310": 2.0, "ND311": 20.0, "ND312": 20.0,
    "ND313": 10.0, "ND314": 5.0, "ND315": 50.0, "ND316": 5.0,
}  # fmt: skip
DEFAULT_SPEEDUP = 1.2

FIXES_RESULTS = Path("benchmarks") / "results" / "fixes.json"
WORTH_RESULTS = Path("benchmarks") / "results" / "worth.json"

LOOP_NODES = frozenset(
    {
        "for_statement",
        "while_statement",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
    }
)
WHOLE_FUNCTION_RULES = frozenset({"ND315"})
"""Rules whose cost is the whole function's (recursion: every call re-enters it)."""

MINOR_SAVING = 0.01
"""Below this expected saving, a finding that ran is shown as information, not a warning."""


@dataclass(frozen=True)
class TypicalSpeedup:
    """How much a rule's fix speeds up the code it covers, and where the figure comes from."""

    factor: float
    source: str
    """`bench worth` (the rule's pattern at 10³–10⁶), `bench fixes` (its fixture) or `prior`."""


def _speedups_in(data: Any) -> dict[str, list[float]]:
    """Per-code speedup figures found in a `bench fixes` results file, whatever its nesting."""
    found: dict[str, list[float]] = {}

    def visit(node: Any, code: str | None) -> None:
        if isinstance(node, dict):
            own = node.get("code") or node.get("rule")
            current = own if isinstance(own, str) else code
            value = node.get("speedup")
            if current and isinstance(value, int | float) and value > 0:
                found.setdefault(current.upper(), []).append(float(value))
            for key, child in node.items():
                key_code = key.upper() if isinstance(key, str) and key[:2].upper() == "ND" else None
                visit(child, key_code or current)
        elif isinstance(node, list):
            for child in node:
                visit(child, code)

    visit(data, None)
    return found


def load_typical_speedups(extra_files: Iterable[Path] = ()) -> dict[str, TypicalSpeedup]:
    """Each rule's typical speedup, from the steadiest measurement there is.

    In rising precedence: a built-in prior; the median `bench fixes` figure (the rule's
    fixture at one size); the median `bench worth` figure (the rule's pattern at 10³–10⁶
    elements, benchmarks/results/worth.json); then `extra_files` (`bench fixes`-shaped).
    Result files are looked for in the working folder and beside the package.
    """
    table = {code: TypicalSpeedup(factor, "prior") for code, factor in PRIOR_SPEEDUPS.items()}

    def overlay(figures: dict[str, list[float]], source: str) -> None:
        for code, values in figures.items():
            table[code] = TypicalSpeedup(max(1.0, statistics.median(values)), source)

    package = Path(__file__).resolve().parents[2]
    fixes = _first_json([FIXES_RESULTS, package / FIXES_RESULTS])
    if fixes is not None:
        overlay(_speedups_in(fixes), "bench fixes")
    worth = _first_json([WORTH_RESULTS, package / WORTH_RESULTS])
    if isinstance(worth, dict) and isinstance(worth.get("rules"), list):
        overlay(
            {
                str(row["code"]).upper(): [float(row["median_speedup"])]
                for row in worth["rules"]
                if isinstance(row, dict) and isinstance(row.get("median_speedup"), int | float)
            },
            "bench worth",
        )
    for path in extra_files:
        data = _first_json([path])
        if data is not None:
            overlay(_speedups_in(data), "bench fixes")
    return table


def _first_json(paths: Iterable[Path]) -> Any:
    for path in paths:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def typical_speedup(code: str, table: dict[str, TypicalSpeedup]) -> TypicalSpeedup:
    return table.get(code, TypicalSpeedup(DEFAULT_SPEEDUP, "prior"))


@dataclass(frozen=True)
class CostEstimate:
    """What a finding's code cost in one profile, and what fixing it is expected to save."""

    kind: ProfileKind
    command: str
    hits: int
    time_share: float
    expected_saving: float
    typical_speedup: float
    speedup_source: str
    ran: bool
    region: tuple[int, int]
    """The lines (1-based, inclusive) whose cost is the finding's: the loop it sits in."""

    def hover(self) -> str:
        """One line for an editor's hover or a report, e.g. "ran 12,400 times in `pytest`, …"."""
        if not self.ran:
            verb = "predicted never to run" if self.kind == "predicted" else "never ran"
            return f"{verb} in `{self.command}`"
        share = _percent(self.time_share)
        saving = _percent(self.expected_saving)
        if self.kind == "predicted":
            return (
                f"predicted to run about {self.hits:,} times in `{self.command}`, about {share} "
                f"of the predicted steps (predicted, not measured); a fix would save about {saving}"
            )
        return (
            f"ran {self.hits:,} times in `{self.command}`, about {share} of the time; "
            f"a fix would save about {saving}"
        )

    def properties(self) -> dict[str, Any]:
        """JSON/SARIF properties (shares as fractions in [0, 1])."""
        return {
            "cost": self.kind,
            "command": self.command,
            "hits": self.hits,
            "time_share": round(self.time_share, 6),
            "expected_saving": round(self.expected_saving, 6),
            "typical_speedup": round(self.typical_speedup, 3),
            "speedup_source": self.speedup_source,
            "ran": self.ran,
            "cost_lines": list(self.region),
        }


def _percent(share: float) -> str:
    if share <= 0:
        return "0%"
    if share < 0.01:
        return "<1%"
    return f"{share * 100:.0f}%"


def cost_region(
    tree: tree_sitter.Tree, code: str, line: int, byte_column: int, end_line: int
) -> tuple[int, int]:
    """The lines whose cost a finding stands for (1-based, inclusive).

    The innermost loop or comprehension around (or starting at) the finding; for recursion
    rules the enclosing function; otherwise the finding's own lines.
    """
    point = (max(0, line - 1), max(0, byte_column))
    node: tree_sitter.Node | None = tree.root_node.descendant_for_point_range(point, point)
    while node is not None:
        if code in WHOLE_FUNCTION_RULES and node.type == "function_definition":
            return node.start_point[0] + 1, node.end_point[0] + 1
        if code not in WHOLE_FUNCTION_RULES and node.type in LOOP_NODES:
            return node.start_point[0] + 1, max(node.end_point[0] + 1, end_line)
        if (
            node.type in ("function_definition", "class_definition", "lambda")
            and code not in WHOLE_FUNCTION_RULES
        ):
            break
        node = node.parent
    return line, max(line, end_line)


def estimate_cost(
    profile: Profile,
    path: Path | str,
    tree: tree_sitter.Tree,
    code: str,
    line: int,
    byte_column: int,
    end_line: int,
    speedups: dict[str, TypicalSpeedup],
) -> CostEstimate:
    """The cost estimate of one finding at (line, byte column)..end_line of the file at `path`."""
    region = cost_region(tree, code, line, byte_column, end_line)
    speedup = typical_speedup(code, speedups)
    costs: dict[int, LineCost] = profile.file(path) or {}
    own = [costs[n].hits for n in range(line, max(line, end_line) + 1) if n in costs]
    covered = [costs[n] for n in range(region[0], region[1] + 1) if n in costs]
    hits = max(own, default=0)
    ran = any(cost.hits > 0 for cost in covered) or hits > 0
    if code in WHOLE_FUNCTION_RULES and covered:
        hits = max(cost.hits for cost in covered)
    share = (
        min(1.0, sum(cost.cost for cost in covered) / profile.total) if profile.total > 0 else 0.0
    )
    if not ran:
        share = 0.0
    saving = share * (1.0 - 1.0 / speedup.factor)
    return CostEstimate(
        kind=profile.kind,
        command=profile.command,
        hits=hits,
        time_share=share,
        expected_saving=saving,
        typical_speedup=speedup.factor,
        speedup_source=speedup.source,
        ran=ran,
        region=region,
    )


def ranked_severity(severity: Severity, estimate: CostEstimate) -> Severity:
    """Never-run code drops to a hint; code that ran but saves under 1% to information."""
    if not estimate.ran:
        return "hint"
    if estimate.expected_saving < MINOR_SAVING and severity in ("error", "warning"):
        return "information"
    return severity


@dataclass(frozen=True)
class RankedFinding:
    """A finding with its cost, its rank (1 = biggest expected saving) and adjusted severity."""

    finding: Finding
    cost: CostEstimate
    severity: Severity
    rank: int


def rank_findings(
    findings: Sequence[Finding],
    profile: Profile,
    path: Path | str,
    source: bytes,
    speedups: dict[str, TypicalSpeedup] | None = None,
    tree: tree_sitter.Tree | None = None,
) -> list[RankedFinding]:
    """One file's findings ranked by expected saving (largest first) under `profile`.

    `path` must name the file as the profile does (it is resolved); `tree` is reused if given.
    Ranks are per call: pass every finding of the file at once.
    """
    table = speedups if speedups is not None else load_typical_speedups()
    tree = tree or parse(source)
    estimates = [
        (
            finding,
            estimate_cost(
                profile,
                path,
                tree,
                finding.code,
                finding.line,
                finding.column,
                finding.end_line,
                table,
            ),
        )
        for finding in findings
    ]
    estimates.sort(key=lambda item: (-item[1].expected_saving, -item[1].hits, item[0].line))
    return [
        RankedFinding(finding, estimate, ranked_severity(finding.severity, estimate), rank)
        for rank, (finding, estimate) in enumerate(estimates, start=1)
    ]


HOT_SHARE = 0.05
"""A line is hot when at least this share of the run's time (or predicted steps) is spent in
it: only there do the opt-in micro hints pay for the change they ask for."""


def cold_opt_in(code: str, time_share: float) -> bool:
    """An opt-in rule's finding on a line below HOT_SHARE: what a profile filters out."""
    rule = rule_by_code(code)
    return rule is not None and not rule.default and time_share < HOT_SHARE


@functools.cache
def _speedups_once() -> dict[str, TypicalSpeedup]:
    """The typical-speedup table, read once per process (the editor weighs on every edit)."""
    return load_typical_speedups()


def weigh_findings(
    findings: Sequence[Finding],
    profile: Profile,
    path: Path,
    source: bytes,
    tree: tree_sitter.Tree | None = None,
    opt_in_ran: bool = False,
) -> list[Finding]:
    """One file's findings as the editor shows them under a saved profile, in source order.

    Each keeps its place and gains its cost line ("ran 1,500 times in `pytest`, about 38% of
    the time") and the ranked severity (never-run code: a hint). When the opt-in rules ran only
    because a profile exists (`opt_in_ran`), their findings stay only where the line is hot.
    """
    kept = []
    ranked_all = rank_findings(findings, profile, path, source, _speedups_once(), tree)
    for ranked in ranked_all:
        finding, cost = ranked.finding, ranked.cost
        if rule_by_code(finding.code) is None:  # a syntax error (ND000) is not a cost
            kept.append(finding)
            continue
        if opt_in_ran and cold_opt_in(finding.code, cost.time_share):
            continue
        kept.append(
            replace(
                finding,
                severity=ranked.severity,
                message=f"{finding.message} ({cost.hover()})",
            )
        )
    kept.sort(key=lambda f: (f.line, f.column, f.code))
    return kept


_SAVED: dict[Path, tuple[int, Profile | None]] = {}


def project_profile(root: Path) -> Profile | None:
    """The profile the last `analyze --profile` / `--predict` saved under `root`, if any.

    For the language server: re-read only when the file's modification time changes, so it
    can be called on every diagnostics pass.
    """
    path = (root / PROFILE_FILE).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        _SAVED.pop(path, None)
        return None
    cached = _SAVED.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    profile = load_profile(path)
    _SAVED[path] = (stamp, profile)
    return profile


def _byte_column(source_lines: list[bytes], line: int, char_column: int) -> int:
    """0-based UTF-8 byte column of a 1-based character column."""
    if not 0 < line <= len(source_lines):
        return 0
    text = source_lines[line - 1].decode("utf-8", errors="replace")
    return len(text[: max(0, char_column - 1)].encode("utf-8"))


def rank_records(
    records: list[dict[str, Any]],
    profile: Profile,
    speedups: dict[str, TypicalSpeedup] | None = None,
    base: Path | None = None,
) -> list[dict[str, Any]]:
    """`analyze` records (1-based character columns) with a `ranking` entry, best saving first.

    Each record gets `ranking` (see `CostEstimate.properties`, plus `rank` and the `hover`
    line) and its severity adjusted by `ranked_severity`. Paths are read relative to `base`.
    """
    table = speedups if speedups is not None else load_typical_speedups()
    base = base or Path.cwd()
    trees: dict[str, tuple[tree_sitter.Tree, list[bytes]] | None] = {}
    ranked: list[tuple[dict[str, Any], CostEstimate]] = []
    for record in records:
        path = str(record["path"])
        if path not in trees:
            try:
                source = (base / path).read_bytes()
                trees[path] = (parse(source), source.split(b"\n"))
            except OSError:
                trees[path] = None
        parsed = trees[path]
        if parsed is None:
            continue
        tree, lines = parsed
        column = _byte_column(lines, int(record["line"]), int(record["column"]))
        estimate = estimate_cost(
            profile,
            base / path,
            tree,
            str(record["code"]),
            int(record["line"]),
            column,
            int(record["end_line"]),
            table,
        )
        ranked.append((record, estimate))
    ranked.sort(
        key=lambda item: (-item[1].expected_saving, -item[1].hits, item[0]["path"], item[0]["line"])
    )
    result = []
    for rank, (record, estimate) in enumerate(ranked, start=1):
        severity = ranked_severity(record["severity"], estimate)
        result.append(
            {
                **record,
                "severity": severity,
                "ranking": {**estimate.properties(), "rank": rank, "hover": estimate.hover()},
            }
        )
    return result


def keep_opt_in_where_hot(
    ranked: list[dict[str, Any]], unselected_paths: Iterable[str]
) -> list[dict[str, Any]]:
    """Ranked records without the opt-in rules' findings on lines that are not hot.

    `analyze --profile` runs the opt-in rules (ND108, ND110, ND317 …) unless the user chose
    rules with `select`; their changes save tens of nanoseconds per run of the line, worth it
    only where the profile shows the line carries a real share of the time. Files whose
    settings select rules (`unselected_paths` are the others) keep every finding they asked
    for. Ranks are renumbered so they stay 1, 2, 3 …
    """
    unselected = set(unselected_paths)
    kept = []
    for record in ranked:
        cold = cold_opt_in(str(record["code"]), record["ranking"]["time_share"])
        if not (cold and str(record["path"]) in unselected):
            kept.append(record)
    return [
        {**record, "ranking": {**record["ranking"], "rank": rank}}
        for rank, record in enumerate(kept, start=1)
    ]


def profile_summary(profile: Profile) -> str:
    """`measured with `CMD`, 0.84 s` / `predicted from 3 entry calls, 412 steps`."""
    if profile.kind == "predicted":
        return f"predicted (not measured) by the neural debugger from `{profile.command}`, {profile.total:,.0f} steps"
    return f"measured with `{profile.command}`, {profile.total:.2f} s of program time"


def text_report(records: list[dict[str, Any]], profile: Profile, top: int = 3) -> str:
    """The ranked text output: the top list, then every finding with its cost, best first."""
    out = []
    leaders = [
        r
        for r in records
        if r["ranking"]["ran"] and r["ranking"]["expected_saving"] >= MINOR_SAVING
    ][:top]
    out.append(
        f"Top {len(leaders)} change{'s' if len(leaders) != 1 else ''} by expected saving ({profile_summary(profile)}):\n"
    )
    for position, record in enumerate(leaders, start=1):
        ranking = record["ranking"]
        out.append(
            f"  {position}. {record['path']}:{record['line']}:{record['column']}: {record['code']} "
            f"{record['message']}\n     {ranking['hover']}\n"
        )
    if not leaders:
        out.append("  (no finding in code that ran is expected to save 1% or more)\n")
    out.append("\n")
    for record in records:
        ranking = record["ranking"]
        marker = " [*]" if record["fix"] and record["fix"]["safety"] == "safe" else ""
        if ranking["ran"]:
            where = f"{ranking['hits']:,}×, {_percent(ranking['time_share'])} of {'steps' if ranking['cost'] == 'predicted' else 'time'}, saves ~{_percent(ranking['expected_saving'])}"
        else:
            where = "never ran: hint"
        out.append(
            f"{record['path']}:{record['line']}:{record['column']}: {record['code']}{marker} "
            f"{record['message']} [{where}]\n"
        )
    return "".join(out)


def add_sarif_properties(sarif_text: str, records: list[dict[str, Any]]) -> str:
    """Put each record's ranking into its SARIF result (`properties`, and `rank` 0–100)."""
    log = json.loads(sarif_text)
    results = log["runs"][0]["results"]
    for result, record in zip(results, records, strict=True):
        ranking = record.get("ranking")
        if ranking is None:
            continue
        result["properties"] = {**result.get("properties", {}), **ranking}
        result["rank"] = round(min(100.0, ranking["expected_saving"] * 100), 3)
    return json.dumps(log, indent=2) + "\n"

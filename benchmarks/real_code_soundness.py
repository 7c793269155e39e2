"""The soundness check of tests/analyzers/test_soundness.py on real code: the traces of the
real-code corpus (`neurodebug trace-suites`: real projects' own test suites under the tracer).

    PYTHONPATH=. python benchmarks/real_code_soundness.py [CORPUS]   # default corpus/real-v1

Each trace is one call of a real function, with the locals' reprs at every line event of its
frame. An observed data dependency is, as in the test, a line that reads `v` (per Python's
`ast`) while `v` was last written (an assignment, or a change of its repr) at line A; every one
must be a static data edge. Three kinds of observation are left out, because the trace cannot
show them truly, not because the analysis might miss them:
- a free variable of a closure: it is in the frame's locals from the call on, but the function
  does not define it there;
- a variable whose repr the corpus cut (80 characters, ending "..."): a change past the cut is
  invisible, so a later read would be pinned on an older write;
- a multi-line statement reading what it writes on its own first line: CPython reports the
  first line again after the continuation lines, before the store has happened.
Prints the traces checked, the observed edges, recall (must be 100%) and precision (one run
per trace: a loose lower bound), and each missed edge. docs/analysis.md quotes it.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from neurodebug.analyzers.document import analyze_source

from tests.analyzers.test_soundness import observe, oracle

CUT = 80


def observed_edges(
    record: dict, function_line: int, parameters: set[str]
) -> set[tuple[str, int, int]]:
    """The data dependencies the trace of one call shows, less what it cannot show truly."""
    source = record["source"]
    stops = [stop for stop in record["trace"]["stops"] if stop["depth"] == 0]
    events: list[list[object]] = []
    previous: dict[str, str] | None = None
    cut: set[str] = set()
    for stop in stops:
        values = stop["locals"] or {}
        cut |= {name for name, text in values.items() if len(text) >= CUT and text.endswith("...")}
        changed = sorted(n for n, v in values.items() if previous is None or previous.get(n) != v)
        events.append([stop["event"], stop["line"], changed, None])
        previous = values
    seen = observe({"events": events}, oracle(source), function_line).data
    spans = {
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.stmt) and (node.end_lineno or node.lineno) > node.lineno
    }
    return {
        (var, written, read)
        for var, written, read in seen
        if (written != function_line or var in parameters)
        and var not in cut
        and not (written == read and written in spans)
    }


def main() -> None:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/real-v1")
    checked = observed_total = static_total = shown = 0
    missed: list[str] = []
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            stops = record["trace"]["stops"]
            if not stops or not isinstance(ast.parse(record["source"]).body[0], ast.FunctionDef):
                continue
            first = stops[0]["line"]
            candidates = analyze_source(record["source"].encode()).functions_named(
                record["function"]
            )
            function = next((f for f in candidates if f.def_line <= first <= f.end_line), None)
            if function is None:
                continue
            static = {(e.var, e.def_line, e.use_line) for e in function.data_edges}
            seen = observed_edges(record, function.def_line, set(function.params))
            checked += 1
            observed_total += len(seen)
            static_total += len(static)
            shown += len(seen & static)
            missed.extend(
                f"{record['meta']['project']} {record['meta']['qualname']}: {edge}"
                for edge in sorted(seen - static)
            )
    print(
        f"{checked} traces of {corpus}: {observed_total} observed data edges, recall "
        f"{1 - len(missed) / observed_total:.2%}, precision {shown / static_total:.1%} "
        f"({shown} of {static_total} static edges shown)"
    )
    for line in missed:
        print("missed", line)


if __name__ == "__main__":
    main()

"""Data and control dependencies scored against a set labelled by hand (by reading the code,
not the tool): tests/analyzers/data/labelled_deps/, conventions in its README."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.facts import FunctionFacts

LABELLED = Path(__file__).with_name("data") / "labelled_deps"
LABEL = re.compile(r"#\s*data:(?P<data>[^;]*);\s*control:(?P<control>.*)$")


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    agreed: int = 0

    def add(self, expected: set[object], found: set[object]) -> None:
        self.expected += len(expected)
        self.found += len(found)
        self.agreed += len(expected & found)

    @property
    def f1(self) -> float:
        precision = self.agreed / self.found if self.found else 1.0
        recall = self.agreed / self.expected if self.expected else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def labels(path: Path) -> dict[int, tuple[set[tuple[str, int]], set[int]]]:
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = LABEL.search(line)
        if match is None:
            continue
        data = {(name, int(at)) for name, at in (item.split("@") for item in match["data"].split())}
        found[number] = (data, {int(item) for item in match["control"].split()})
    return found


def tool(function: FunctionFacts, line: int) -> tuple[set[tuple[str, int]], set[int]]:
    """What the analysis says of one statement line: value-flow sources (a store's own
    container is a mutation edge, not a read) and the condition lines."""
    data = {
        (edge.var, edge.def_line)
        for edge in function.data_dependencies(line)
        if function.data_kind(edge.var, edge.def_line, line) != "mutation"
    }
    return data, {edge.condition_line for edge in function.control_dependencies(line)}


def score() -> tuple[Score, Score, list[str]]:
    data, control, disagreements = Score(), Score(), []
    files = sorted(LABELLED.glob("p*.py"))
    for path in files:
        source = path.read_text()
        (function,) = [f for f in analyze_source(source.encode()).functions if f.kind == "function"]
        for line, (want_data, want_control) in labels(path).items():
            got_data, got_control = tool(function, line)
            data.add(want_data, got_data)
            control.add(want_control, got_control)
            if (want_data, want_control) != (got_data, got_control):
                disagreements.append(
                    f"{path.name}:{line} data -{sorted(want_data - got_data)} "
                    f"+{sorted(got_data - want_data)} control -{sorted(want_control - got_control)}"
                    f" +{sorted(got_control - want_control)}"
                )
    return data, control, disagreements


def test_the_set_is_big_enough_and_every_statement_is_labelled() -> None:
    files = sorted(LABELLED.glob("p*.py"))
    assert len(files) >= 40
    for path in files:
        assert len(labels(path)) >= 3, path.name


def test_dependencies_match_the_hand_labels() -> None:
    data, control, disagreements = score()
    print(f"\ndata F1 {data.f1:.3f}, control F1 {control.f1:.3f}")
    print("\n".join(disagreements))
    assert data.f1 >= 0.95 and control.f1 >= 0.95, "\n".join(disagreements)

"""`neurodebug deps`: the JSON docs/analysis.md documents, the text view, slices, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from neurodebug.analyzers.deps_report import JSON_SCHEMA

from tests.conftest import run_neurodebug

NEVER_RUNS = Path(__file__).with_name("data") / "never_runs.py"

SOURCE = """\
def total(xs, limit):
    result = 0
    for x in xs:
        if x > limit:
            result += x
    return result


class Box:
    def size(self):
        return len(self.items)
"""


def write(tmp_path: Path, text: str = SOURCE) -> Path:
    path = tmp_path / "sample.py"
    path.write_text(text)
    return path


def test_json_output_matches_the_schema_and_the_facts(tmp_path: Path) -> None:
    path = write(tmp_path)
    completed = run_neurodebug("deps", str(path), "--format", "json", "--slice", "6:result")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    jsonschema.validate(document, JSON_SCHEMA)
    functions = {f["qualname"]: f for f in document["functions"]}
    assert list(functions) == ["<module>", "total", "Box", "Box.size"]
    total = functions["total"]
    assert total["params"] == ["xs", "limit"]
    definitions = {(d["var"], d["line"]): d for d in total["definitions"]}
    assert definitions[("result", 5)]["data"] == [
        {"var": "result", "line": 2, "kind": "value"},
        {"var": "result", "line": 5, "kind": "value"},
        {"var": "x", "line": 3, "kind": "value"},
    ]
    statements = {s["line"]: s for s in total["statements"]}
    assert statements[3]["control"] == [3]  # a loop header decides whether it runs again
    assert statements[5]["control"] == [4]
    assert statements[6]["data"] == [
        {"var": "result", "line": 2, "kind": "value"},
        {"var": "result", "line": 5, "kind": "value"},
    ]
    assert definitions[("result", 5)]["control"] == [
        {"var": "limit", "line": 4},
        {"var": "x", "line": 4},
    ]
    assert definitions[("xs", 1)]["how"] == "param"
    assert total["slice"] == {"var": "result", "line": 6, "lines": [1, 2, 3, 4, 5, 6]}
    blocks = {block["id"]: block for block in total["blocks"]}
    header = next(b for b in blocks.values() if b["lines"] == [3])
    assert sorted(blocks[s]["start_line"] for s in header["successors"]) == [4, 6]
    assert "slice" not in functions["Box.size"]


def test_function_filter_and_text_format(tmp_path: Path) -> None:
    path = write(tmp_path)
    completed = run_neurodebug("deps", str(path), "--function", "Box.size")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "Box.size (function, lines 10-11)"
    assert "    self@10 (param)  data: -  control: -" in lines
    assert "total" not in completed.stdout


def test_text_slice_line(tmp_path: Path) -> None:
    path = write(tmp_path)
    completed = run_neurodebug("deps", str(path), "--function", "total", "--slice", "5:result")
    assert "  slice 5:result: 1, 2, 3, 4, 5" in completed.stdout.splitlines()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path)
    assert run_neurodebug("deps", str(path), "--function", "nope").returncode == 2
    assert run_neurodebug("deps", str(path), "--slice", "x:5").returncode == 2
    assert run_neurodebug("deps", str(tmp_path / "missing.py")).returncode == 2


def test_syntax_errors_are_reported_and_other_functions_analysed(tmp_path: Path) -> None:
    path = write(tmp_path, SOURCE + "\ndef broken(:\n    pass\n")
    completed = run_neurodebug("deps", str(path), "--format", "json")
    assert completed.returncode == 0
    document = json.loads(completed.stdout)
    assert [e["line"] for e in document["syntax_errors"]] == [13]
    assert "total" in [f["qualname"] for f in document["functions"]]
    assert "sample.py:13:" in completed.stderr


def test_code_that_never_runs_is_listed_with_its_reason(tmp_path: Path) -> None:
    source = NEVER_RUNS.read_text()
    path = write(tmp_path, source)
    completed = run_neurodebug("deps", str(path), "--format", "json")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    jsonschema.validate(document, JSON_SCHEMA)
    (function,) = [f for f in document["functions"] if f["qualname"] == "label"]
    assert function["never_runs"] == [
        {"lines": [5], "test_line": 4, "kind": "if", "outcome": False}
    ]
    sources = {
        (s["var"], s["line"])
        for st in function["statements"]
        if st["line"] == 6
        for s in st["data"]
    }
    assert sources == {("text", 3)}  # the dead write on line 5 reaches nothing
    text = run_neurodebug("deps", str(path)).stdout
    assert "never runs: 5 (the if on line 4 always gives False)" in text

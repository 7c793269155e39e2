"""`neurodebug bench tokenizer` on a tiny standard library and one real package."""

from __future__ import annotations

import json
from pathlib import Path

from neurodebug.neural_debugger.model.tokenizer import is_held_out

from tests.conftest import run_neurodebug


def test_bench_measures_both_tokenizers_and_the_fit_rate(tmp_path: Path) -> None:
    stdlib = tmp_path / "stdlib"
    (stdlib / "test").mkdir(parents=True)
    (stdlib / "test" / "ignored.py").write_text("x = 1\n" * 50)
    names = [f"m{i}.py" for i in range(100)]
    held = next(name for name in names if is_held_out(name))
    trained = next(name for name in names if not is_held_out(name))
    module = '"""Doc."""\n\n# comment\ndef add(a, b):\n    return a + b  # sum\n'
    (stdlib / held).write_text(module)
    (stdlib / trained).write_text("def mul(a, b):\n    return a * b\n" * 20)
    real = tmp_path / "realpkg"
    real.mkdir()
    long_body = "".join(f"    v{i} = a + {i}\n" for i in range(160))
    (real / "code.py").write_text(
        "class K:\n    def short(self, a):\n        '''Doc.'''\n        return a\n"
        f"def long(a):\n{long_body}    return a\n"
        "def tiny(a):\n    return a\n"
    )
    out = tmp_path / "tokenizer.json"
    completed = run_neurodebug(
        "bench", "tokenizer", "--stdlib", str(stdlib), "--real", str(real),
        "--window", "64", "--sweep", "300", "--out", str(out),
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "v2 BPE" in completed.stdout
    results = json.loads(out.read_text())
    assert results["data"]["stdlib_modules"] == 2  # the test package is left out
    assert results["data"]["stdlib_held_out"] == {"files": 1, "real_lines": 5, "code_lines": 2}
    assert results["data"]["real_packages"] == {"realpkg": 2}  # `long` is over 150 lines
    old, new = results["old"], results["new"]
    assert (
        new["stdlib_held_out"]["view_per_code_line"] < old["stdlib_held_out"]["view_per_code_line"]
    )
    assert new["stdlib_held_out"]["view_tokens"] < new["stdlib_held_out"]["raw_tokens"]
    assert new["fit_view"]["functions"] == 2
    assert (new["fit_view"]["fit"], old["fit_view"]["fit"]) == (2, 1)  # a 64-token window
    assert 572 + 256 < results["sweep"]["300"]["vocab_size"] <= 572 + 300  # structure + text

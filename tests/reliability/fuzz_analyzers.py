"""Coverage-guided fuzzing of the static analyzers with atheris (run by hand, not by pytest).

    pip install atheris==2.3.0
    python3 tests/reliability/fuzz_analyzers.py -atheris_runs=20000 -max_len=4096

Each input goes through the rules (`check_source`), the facts of every function
(`analyze_source(...).compute_all()`) and an incremental edit of a `Document`; any
exception escaping them is a crash that atheris reports with the input that caused it.
"""

from __future__ import annotations

import logging
import sys

import atheris

# atheris 2.3.0's bytecode instrumentation on Python 3.11 breaks `_root_name`'s loop in
# analyzers/expressions.py (a false AttributeError the plain code never raises), so that module
# runs uninstrumented; a crash report here must still reproduce without atheris to count.
with atheris.instrument_imports(exclude=["neurodebug.analyzers.expressions"]):
    from neurodebug.analyzers.document import Document, analyze_source, line_starts
    from neurodebug.analyzers.parsing import parse
    from neurodebug.analyzers.rules import Settings, check_source

SETTINGS = Settings()


class RaiseOnRuleFailure(logging.Handler):
    """The rules engine logs and skips a failing rule; while fuzzing, that is a crash."""

    def emit(self, record: logging.LogRecord) -> None:
        raise RuntimeError(record.getMessage())


def one_input(data: bytes) -> None:
    """Analyse `data` as a module, then edit it in the middle and analyse it again."""
    check_source(data, None, SETTINGS)
    analyze_source(data).compute_all()
    provider = atheris.FuzzedDataProvider(data)
    document = Document("file:///fuzz.py", 0, data, parse(data), line_starts(data))  # any bytes
    line = provider.ConsumeIntInRange(0, 50)
    column = provider.ConsumeIntInRange(0, 80)
    text = provider.ConsumeUnicodeNoSurrogates(8)
    document.apply_edit((line, column), (line, column + 1), text, "utf-16")
    document.facts.compute_all()


def main() -> None:
    sys.setrecursionlimit(10_000)  # as the CLI and the server do
    logging.getLogger("neurodebug.analyzers.rules.engine").addHandler(RaiseOnRuleFailure())
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""The model's view of a source: code lines only, and an exact map back to the real lines."""

from __future__ import annotations

import sys

from neurodebug.neural_debugger.model.source_view import identity_view, model_view

TRICKY = '''"""Module docstring,
over two lines."""
# a whole-line comment
import os  # a trailing comment

URL = "http://x#not-a-comment"


@decorator("# not a comment either")
def outer(x):
    """Function docstring.

    With a blank line inside."""

    text = """kept:

  a multi-line string that is not a docstring"""  # but this comment goes
    total = x + \\
        1
    def inner():
        \'\'\'Inner docstring.\'\'\'
        return total
    return inner()


class C:
    "Class docstring."
    a = '#'

    def only_doc(self):
        """A lone docstring stays: the body would be empty without it."""
'''


def kept_real_lines(source: str) -> list[int]:
    return list(model_view(source).real_lines)


def test_tricky_source_keeps_exactly_the_code_lines() -> None:
    view = model_view(TRICKY)
    real = TRICKY.splitlines()
    assert list(view.real_lines) == [4, 6, 9, 10, 15, 16, 17, 18, 19, 20, 22, 23, 26, 28, 30, 31]
    assert view.text.splitlines() == [
        "import os",
        'URL = "http://x#not-a-comment"',
        '@decorator("# not a comment either")',
        "def outer(x):",
        '    text = """kept:',
        "",
        '  a multi-line string that is not a docstring"""',
        "    total = x + \\",
        "        1",
        "    def inner():",
        "        return total",
        "    return inner()",
        "class C:",
        "    a = '#'",
        "    def only_doc(self):",
        '        """A lone docstring stays: the body would be empty without it."""',
    ]
    for index, line in enumerate(view.text.splitlines(), start=1):
        original = real[view.to_real_line(index) - 1]
        assert original.startswith(line)  # only a trailing comment or blanks were cut
        assert view.to_view_line(view.to_real_line(index)) == index


def test_dropped_lines_have_no_view_line() -> None:
    view = model_view(TRICKY)
    for dropped in (1, 2, 3, 5, 7, 8, 11, 12, 13, 14, 21, 24, 25, 27, 29):
        assert view.to_view_line(dropped) is None
    assert view.to_view_line(9) == 3


def test_view_is_still_python_that_compiles() -> None:
    compile(model_view(TRICKY).text, "<view>", "exec")


def test_one_line_docstring_with_code_on_the_same_line_is_kept() -> None:
    source = 'def f(x): "doc"; return x\n'
    assert model_view(source).text == source


def test_implicitly_concatenated_docstring_is_dropped_whole() -> None:
    source = 'def f(x):\n    "part one "\\\n    "part two"\n    return x\n'
    assert kept_real_lines(source) == [1, 4]


def test_non_ascii_before_a_docstring_is_located_right() -> None:
    source = 'class Ä: "doc"; é = 1\n\ndef g():\n    "déjà"\n    return "ü"\n'
    view = model_view(source)
    assert list(view.real_lines) == [1, 3, 5]


def test_a_syntax_error_falls_back_to_the_source_with_the_identity_map() -> None:
    source = "def f(:\n    # comment\n\n    return 1\n"
    view = model_view(source)
    assert view == identity_view(source)
    assert view.text == source
    assert [view.to_real_line(i) for i in range(1, 5)] == [1, 2, 3, 4]
    assert view.to_view_line(3) == 3


def test_every_traced_function_line_is_in_the_view() -> None:
    """The line map is exact where it matters: no stop of a function lands on a dropped line."""
    source = TRICKY.replace('@decorator("# not a comment either")\n', "")
    namespace: dict[str, object] = {}
    exec(compile(source, "<tricky>", "exec"), namespace)
    lines: set[int] = set()

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        if frame.f_code.co_filename == "<tricky>" and frame.f_code.co_name != "<module>":
            lines.add(frame.f_lineno)
        return tracer

    sys.settrace(tracer)
    try:
        namespace["outer"](1)  # type: ignore[operator]
        namespace["C"]().only_doc()  # type: ignore[operator]
    finally:
        sys.settrace(None)
    view = model_view(source)
    assert lines and all(view.to_view_line(line) is not None for line in lines)


def test_model_text_keeps_every_line_number_and_only_the_code() -> None:
    from neurodebug.neural_debugger.model.source_view import model_text

    source = (
        'def f(x):\n    """Doc.\n\n    More."""\n    # why\n    y = x * 2  # twice\n    return y\n'
    )
    text = model_text(source)
    assert text.splitlines() == ["def f(x):", "", "", "", "", "    y = x * 2", "    return y"]
    assert compile(text, "<view>", "exec")


def test_training_programs_are_read_without_docstrings_and_comments() -> None:
    from neurodebug.neural_debugger.groundtruth.tracer import trace_source
    from neurodebug.neural_debugger.model.dataset import Program, viewed_program

    source = 'def f(x):\n    """Doc."""\n\n    # why\n    y = x * 2\n    return y\n'
    trace = trace_source(source, "f(4)")
    viewed = viewed_program(Program(source, (("f(4)", trace),)))
    assert "Doc" not in viewed.source and "why" not in viewed.source
    assert viewed.traces == ((("f(4)", trace)),)  # the same lines: nothing to renumber


def test_form_feeds_and_separators_inside_lines_do_not_shift_line_numbers() -> None:
    from neurodebug.neural_debugger.model.encoding import encode_source
    from neurodebug.neural_debugger.model.source_view import model_text
    from neurodebug.neural_debugger.model.tokenizer import Tokenizer

    source = 'def f(x):\n    y = x\n\x0c\n    s = "a\x1cb"\n    return y\n'
    text = model_text(source)
    assert text.split("\n")[3:5] == ['    s = "a\x1cb"', "    return y"]  # lines 4 and 5
    tok = Tokenizer()
    assert tok.line(5) in encode_source(tok, text) and tok.line(6) not in encode_source(tok, text)

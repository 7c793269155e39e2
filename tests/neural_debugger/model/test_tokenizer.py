"""The tokenizer: lossless text, single tokens for line numbers and frequent words."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.neural_debugger.model.checkpoint import SHIPPED_CHECKPOINT
from neurodebug.neural_debugger.model.encoding import encode_source
from neurodebug.neural_debugger.model.source_view import model_view
from neurodebug.neural_debugger.model.tokenizer import (
    MAX_DEPTH,
    MAX_LINE,
    SPECIAL_TOKENS,
    BpeTokenizer,
    Tokenizer,
    is_held_out,
    load_bpe,
    stdlib_modules,
    train_bpe,
    train_words,
    view_lines,
)


def test_text_round_trips_including_non_ascii_and_unknown_words() -> None:
    tok = train_words(["def total(xs):\n    return xs"] * 30)
    for text in ("def total(xs):", "    acc += v * 2", "'héllo ☃'", "zzz_unknown_name = 1.5e-3"):
        assert tok.decode_text(tok.encode_text(text)) == text


def test_frequent_words_are_one_token_and_digits_are_single_characters() -> None:
    tok = train_words(["for v in values:\n    total = total + 12"] * 30, min_count=5)
    assert len(tok.encode_text(" values")) == 1  # words carry their leading space
    assert len(tok.encode_text("total")) == 1
    assert len(tok.encode_text("12345")) == 5  # numbers stay digit by digit (arithmetic)
    rare = train_words(["x = values"] * 2, min_count=5)
    assert len(rare.encode_text("values")) == len("values")


def test_line_and_depth_tokens_map_back_and_are_not_text() -> None:
    tok = Tokenizer()
    assert tok.line_of(tok.line(17)) == 17
    assert tok.line_of(tok.line(10**6)) == MAX_LINE
    assert tok.depth_of(tok.depth(3)) == 3
    assert tok.line_of(tok.depth(3)) is None
    assert not tok.is_text(tok.line(5))
    assert tok.is_text(tok.encode_text("x")[0])


def test_save_and_load_keep_the_vocabulary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tok = train_words(["alpha beta gamma"] * 40, min_count=1)
    tok.save(tmp_path / "tokenizer.json")
    loaded = Tokenizer.load(tmp_path / "tokenizer.json")
    assert loaded.vocab == tok.vocab
    assert loaded.encode_text("alpha beta") == tok.encode_text("alpha beta")


# --- v2: the shipped byte-level BPE -----------------------------------------------------------


def test_bpe_round_trips_any_text() -> None:
    tok = load_bpe()
    for text in (
        "    def __init__(self, spec: str) -> None:",
        "'héllo ☃ 𝔘'",
        "x = 12345 + y_1  # <eos> L3 D4",
        "\t\tmixed\ttabs\n and newlines\r\n",
        "",
    ):
        assert tok.decode_text(tok.encode_text(text)) == text


def test_bpe_structure_tokens_are_single_and_never_produced_by_text() -> None:
    tok = load_bpe()
    assert tok.vocab[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS)
    for name in SPECIAL_TOKENS:
        assert tok.vocab[tok.special(name)] == name
    assert tok.line_of(tok.line(300)) == 300 and tok.depth_of(tok.depth(7)) == 7
    assert not tok.is_text(tok.line(MAX_LINE)) and not tok.is_text(tok.depth(MAX_DEPTH))
    ids = tok.encode_text("<eos> <src> L12 D3 <step_into>")
    assert ids and all(tok.is_text(token) for token in ids)


def test_bpe_keeps_the_v1_layout_of_structure_tokens() -> None:
    """Line, depth and special ids are the same in v1 and v2: encoding code works unchanged."""
    old, new = Tokenizer(), load_bpe()
    assert [new.special(name) for name in SPECIAL_TOKENS] == [
        old.special(name) for name in SPECIAL_TOKENS
    ]
    assert new.line(0) == old.line(0) and new.depth(0) == old.depth(0)


def test_bpe_spells_numbers_digit_by_digit_and_common_code_in_few_tokens() -> None:
    tok = load_bpe()
    assert len(tok.encode_text("x = 90817")) == len(tok.encode_text("x = 9")) + 4
    assert len(tok.encode_text(" return")) == 1
    assert len(tok.encode_text("    def __init__(self):")) <= 6
    assert len(tok.encode_text("    def __init__(self):")) < len(
        Tokenizer().encode_text("    def __init__(self):")
    )


def test_load_picks_the_kind_from_the_file(tmp_path: Path) -> None:
    bpe = load_bpe()
    bpe.save(tmp_path / "v2.json")
    again = Tokenizer.load(tmp_path / "v2.json")
    assert isinstance(again, BpeTokenizer) and again.vocab == bpe.vocab
    Tokenizer(words=["alpha", "beta"]).save(tmp_path / "v1.json")
    words = Tokenizer.load(tmp_path / "v1.json")
    assert type(words) is Tokenizer and words.size < bpe.size
    assert isinstance(Tokenizer.load(SHIPPED_CHECKPOINT / "tokenizer.json"), Tokenizer)
    (tmp_path / "bad.json").write_text('{"format": "neurodebug-bpe-1", "max_line": 99}')
    with pytest.raises(ValueError, match="layout"):
        Tokenizer.load(tmp_path / "bad.json")


def test_train_bpe_learns_merges_from_the_texts_it_is_given() -> None:
    texts = ["    accumulator_value = accumulator_value + item"] * 50
    tok = train_bpe(texts, vocab_size=300)
    assert len(tok.encode_text(" accumulator_value")) == 1
    assert tok.decode_text(tok.encode_text("zebra 42")) == "zebra 42"


def test_encode_source_with_bpe_and_view_keeps_real_lines_recoverable() -> None:
    source = 'def f(xs):\n    """Sum."""\n\n    total = 0  # start\n    return total\n'
    tok = load_bpe()
    view = model_view(source)
    tokens = encode_source(tok, view.text)
    lines = [tok.line_of(t) for t in tokens if tok.line_of(t) is not None]
    assert lines == [1, 2, 3]
    assert [view.to_real_line(line) for line in lines if line] == [1, 4, 5]


def test_held_out_stdlib_split_is_by_module_and_excludes_tests() -> None:
    modules = dict(stdlib_modules())
    assert "json/decoder.py" in modules and not any(m.startswith("test/") for m in modules)
    held = [m for m in modules if is_held_out(m)]
    assert 0 < len(held) < len(modules) // 5
    assert all(is_held_out(m) == is_held_out(m) for m in held)  # a fixed split, not random
    assert view_lines('"""doc"""\nx = 1  # c\n\n"""not a doc"""\n') == ["x = 1", '"""not a doc"""']

"""The tokenizer: lossless text, single tokens for line numbers and frequent words."""

from __future__ import annotations

from neurodebug.neural_debugger.model.tokenizer import MAX_LINE, Tokenizer, train_words


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

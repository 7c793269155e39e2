"""A compact tokenizer for debugger states: structure tokens, line numbers, words, bytes.

Why not a general BPE: the model must copy values and do small arithmetic, and BPE merges digits
unpredictably; and line numbers must be single tokens so decoding can be constrained to the lines
a control-flow graph allows. So the vocabulary is, in order:

- special tokens (`<src>`, `<state>`, events, actions, separators),
- one token per line number `L0…L{MAX_LINE}` and per stack depth `D0…D{MAX_DEPTH}`,
- 256 byte tokens (every string is encodable; digits are always single characters),
- a few multi-character operators and 4-space indentation,
- the most frequent identifiers/keywords of the training corpus (learned by `train_words`).

Text is split by one regex into identifiers (with their leading space, as GPT-2 does: `def f`
is two tokens), indentation, and single characters; an identifier
in the vocabulary is one token, any other piece is spelled as UTF-8 bytes. Encoding is a regex
scan and dictionary lookups: fast enough to tokenize a corpus in pure Python.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SPECIAL_TOKENS: tuple[str, ...] = (
    "<pad>",
    "<bos>",
    "<eos>",
    "<src>",
    "<state>",
    "<frame>",
    "<fn>",
    "<loc>",
    "<is>",
    "<sep>",
    "<del>",
    "<val>",
    "<exc>",
    "<act>",
    "<next>",
    "<bp>",
    "<call>",
    "<line>",
    "<return>",
    "<exception>",
    "<step_into>",
    "<step_over>",
    "<step_out>",
    "<continue>",
    "<step_back>",
    "<run>",
    "<invert>",
    "<end>",
)
"""Structure tokens. `<end>` is the stop reached when the program exits (continue with no
breakpoint ahead); `<run>` asks for the call's result, `<invert>` for arguments giving a result."""

MAX_LINE = 511
MAX_DEPTH = 31
OPERATORS: tuple[str, ...] = (
    "    ",
    "==",
    "!=",
    "<=",
    ">=",
    "+=",
    "-=",
    "*=",
    "//",
    "**",
    "->",
    ", ",
    ": ",
    " = ",
    " + ",
    " - ",
    " * ",
    " < ",
    " > ",
    "()",
    "[]",
    "''",
)
_PIECE = re.compile(
    r" ?[A-Za-z_][A-Za-z0-9_]*|    |==|!=|<=|>=|\+=|-=|\*=|//|\*\*|->|, |: | = | \+ | - | \* | < | > "
    r"|\(\)|\[\]|''|.",
    re.DOTALL,
)
_WORD = re.compile(r" ?[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Tokenizer:
    """Maps strings and structure to token ids; the vocabulary is fixed once trained."""

    words: list[str] = field(default_factory=list)
    """Learned multi-character identifiers, most frequent first."""

    def __post_init__(self) -> None:
        self.vocab: list[str] = [
            *SPECIAL_TOKENS,
            *(f"L{i}" for i in range(MAX_LINE + 1)),
            *(f"D{i}" for i in range(MAX_DEPTH + 1)),
            *(f"<0x{b:02X}>" for b in range(256)),
            *OPERATORS,
            *self.words,
        ]
        self.ids: dict[str, int] = {token: i for i, token in enumerate(self.vocab)}
        self._byte0 = self.ids["<0x00>"]
        self._line0 = self.ids["L0"]
        self._depth0 = self.ids["D0"]
        # Text pieces (operators, words) that are single tokens; bytes are looked up apart.
        self._pieces: dict[str, int] = {
            token: self.ids[token] for token in (*OPERATORS, *self.words)
        }
        self._cache: dict[str, list[int]] = {}

    @property
    def size(self) -> int:
        return len(self.vocab)

    def special(self, name: str) -> int:
        """The id of a special token, e.g. `special("<eos>")`."""
        return self.ids[name]

    def line(self, number: int) -> int:
        """The id of line number `number` (clamped to the supported range)."""
        return self._line0 + max(0, min(MAX_LINE, number))

    def depth(self, value: int) -> int:
        return self._depth0 + max(0, min(MAX_DEPTH, value))

    def line_of(self, token: int) -> int | None:
        """The line number a token stands for, or None when it is not a line token."""
        offset = token - self._line0
        return offset if 0 <= offset <= MAX_LINE else None

    def depth_of(self, token: int) -> int | None:
        offset = token - self._depth0
        return offset if 0 <= offset <= MAX_DEPTH else None

    def is_text(self, token: int) -> bool:
        """Whether a token spells text (a byte, an operator or a word), not structure."""
        return token >= self._byte0

    def encode_text(self, text: str) -> list[int]:
        """Token ids spelling `text`: known pieces as one token, the rest as UTF-8 bytes."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        out: list[int] = []
        for piece in _PIECE.findall(text):
            token = self._pieces.get(piece)
            if token is not None:
                out.append(token)
            else:
                out.extend(self._byte0 + b for b in piece.encode("utf-8"))
        if len(self._cache) < 200_000:
            self._cache[text] = out
        return out

    def decode_text(self, tokens: Iterable[int]) -> str:
        """The text spelled by text tokens; structure tokens are skipped."""
        data = bytearray()
        for token in tokens:
            if token < self._byte0 or token >= self.size:
                continue
            if token < self._byte0 + 256:
                data.append(token - self._byte0)
            else:
                data.extend(self.vocab[token].encode("utf-8"))
        return data.decode("utf-8", errors="replace")

    def to_json(self) -> dict[str, object]:
        return {"format": "neurodebug-tokenizer-1", "words": self.words}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=0) + "\n")

    @staticmethod
    def load(path: Path) -> Tokenizer:
        data = json.loads(path.read_text())
        if data.get("format") != "neurodebug-tokenizer-1":
            raise ValueError(f"{path}: not a neurodebug tokenizer file")
        return Tokenizer(words=[str(word) for word in data["words"]])


def train_words(texts: Iterable[str], max_words: int = 1500, min_count: int = 20) -> Tokenizer:
    """Build a tokenizer whose word list is the corpus's most frequent identifiers.

    Identifiers seen fewer than `min_count` times are spelled as bytes: rare names cost a few
    more tokens but do not take embedding rows the model cannot learn from a few examples.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            piece for piece in _PIECE.findall(text) if len(piece) > 1 and _WORD.match(piece)
        )
    reserved = set(OPERATORS)
    words = [
        word for word, count in counts.most_common() if count >= min_count and word not in reserved
    ][:max_words]
    return Tokenizer(words=words)

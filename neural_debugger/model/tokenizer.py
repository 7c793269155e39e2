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
        """A tokenizer file of either kind, by its `format`: v1 (`words`) or v2 (`BpeTokenizer`).

        Every loader (checkpoints, training data) comes here, so a checkpoint gets the kind it
        was trained with: the shipped v1 checkpoint loads as before.
        """
        return _load_any(path)


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


# --- Tokenizer v2: a byte-level BPE for Python text, structure tokens kept single -------------

BPE_FORMAT = "neurodebug-bpe-1"
BPE_FILE = Path(__file__).resolve().with_name("tokenizer_bpe.json")
"""The shipped v2 tokenizer (BPE trained by `train_bpe` on this Python's standard library)."""
BPE_VOCAB_SIZE = 4096
"""Text tokens of the shipped BPE (the 256 bytes included); see MODEL.md for the measured choice."""
BPE_PATTERN = (
    r" ?[\p{L}_][\p{L}\p{N}_]*"  # an identifier or keyword with its leading space
    r"| ?\p{N}"  # one digit: numbers are spelled digit by digit, as in v1
    r"| ?[^\s\p{L}\p{N}_]+"  # a run of punctuation / operators
    r"|\s+(?!\S)|\s+"  # indentation (GPT-2's rule: the last blank goes with the next word)
)
"""Pre-tokenization: BPE merges only inside these pieces, so digits stay single tokens (the
model copies values and does small arithmetic) and names never fuse with operators."""


def _structure_tokens() -> list[str]:
    return [
        *SPECIAL_TOKENS,
        *(f"L{i}" for i in range(MAX_LINE + 1)),
        *(f"D{i}" for i in range(MAX_DEPTH + 1)),
    ]


class BpeTokenizer(Tokenizer):
    """The v1 interface over a byte-level BPE: structure tokens first, then the BPE's text tokens.

    Ids below `len(structure)` are the special, line and depth tokens, exactly as in v1 (each a
    single id that no text can produce: the BPE never sees them); text ids follow, offset by that
    count. Text is only ever produced by `encode_text`, so a source containing `<eos>` or `L3`
    is spelled as text, never read as structure. Needs the `tokenizers` library (the `neural`
    extra); `Tokenizer.load` picks this class when the file says `neurodebug-bpe-1`.
    """

    def __init__(self, spec: str) -> None:
        """`spec`: the `tokenizers` JSON of the BPE (its own vocabulary, merges, pre-tokenizer)."""
        from tokenizers import Tokenizer as HfTokenizer

        self.words = []
        self.spec = spec
        self._bpe = HfTokenizer.from_str(spec)
        structure = _structure_tokens()
        pieces = sorted(self._bpe.get_vocab().items(), key=lambda item: item[1])
        if [index for _, index in pieces] != list(range(len(pieces))):
            raise ValueError("BPE vocabulary ids are not contiguous")
        self.vocab = [*structure, *(piece for piece, _ in pieces)]
        self.ids = {token: i for i, token in enumerate(structure)}
        for i, (piece, _) in enumerate(pieces, start=len(structure)):
            self.ids.setdefault(piece, i)
        self._byte0 = len(structure)  # first text id: `is_text` is `token >= _byte0`
        self._line0 = self.ids["L0"]
        self._depth0 = self.ids["D0"]
        self._pieces = {}
        self._cache = {}

    def encode_text(self, text: str) -> list[int]:
        """Token ids spelling `text` with the BPE (every string is encodable: byte-level)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        offset = self._byte0
        out = [offset + token for token in self._bpe.encode(text, add_special_tokens=False).ids]
        if len(self._cache) < 200_000:
            self._cache[text] = out
        return out

    def encode_texts(self, texts: list[str]) -> list[list[int]]:
        """`encode_text` of many strings at once (the library's batch path, for corpora)."""
        offset = self._byte0
        encodings = self._bpe.encode_batch(texts, add_special_tokens=False)
        return [[offset + token for token in encoding.ids] for encoding in encodings]

    def decode_text(self, tokens: Iterable[int]) -> str:
        """The text spelled by text tokens; structure tokens are skipped."""
        offset, size = self._byte0, self.size
        ids = [token - offset for token in tokens if offset <= token < size]
        return self._bpe.decode(ids, skip_special_tokens=False)

    def to_json(self) -> dict[str, object]:
        return {
            "format": BPE_FORMAT,
            "max_line": MAX_LINE,
            "max_depth": MAX_DEPTH,
            "special_tokens": list(SPECIAL_TOKENS),
            "bpe": json.loads(self.spec),
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> BpeTokenizer:
        if data.get("format") != BPE_FORMAT:
            raise ValueError("not a neurodebug BPE tokenizer")
        layout = (data.get("max_line"), data.get("max_depth"), data.get("special_tokens"))
        if layout != (MAX_LINE, MAX_DEPTH, list(SPECIAL_TOKENS)):
            raise ValueError("BPE tokenizer written for another structure-token layout")
        return BpeTokenizer(json.dumps(data["bpe"]))


def _load_any(path: Path) -> Tokenizer:
    """A tokenizer file of either kind: v1 (`words`) or v2 (BPE), by its `format`."""
    data = json.loads(path.read_text())
    if isinstance(data, dict) and data.get("format") == BPE_FORMAT:
        try:
            return BpeTokenizer.from_json(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
    if not isinstance(data, dict) or data.get("format") != "neurodebug-tokenizer-1":
        raise ValueError(f"{path}: not a neurodebug tokenizer file")
    return Tokenizer(words=[str(word) for word in data["words"]])


def load_bpe(path: Path = BPE_FILE) -> BpeTokenizer:
    """The v2 tokenizer (default: the shipped one)."""
    tok = Tokenizer.load(path)
    if not isinstance(tok, BpeTokenizer):
        raise ValueError(f"{path}: not a BPE tokenizer")
    return tok


def stdlib_modules(root: Path | None = None) -> list[tuple[str, Path]]:
    """(module path relative to the stdlib, file) for this Python's standard library, sorted.

    Leaves out the `test` package and every other test folder (`tests`, `idle_test`, …) and
    installed third-party packages, so what the BPE learns from is the library code itself.
    """
    import sysconfig

    base = root or Path(sysconfig.get_paths()["stdlib"])
    skip = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}
    found = []
    for path in base.rglob("*.py"):
        relative = path.relative_to(base)
        if skip.intersection(relative.parts[:-1]) or relative.name.startswith("test_"):
            continue
        found.append((relative.as_posix(), path))
    return sorted(found)


def is_held_out(module: str, percent: int = 10) -> bool:
    """Whether a stdlib module is kept out of BPE training (a fixed hash split, by module)."""
    import zlib

    return zlib.crc32(module.encode("utf-8")) % 100 < percent


def view_lines(source: str) -> list[str]:
    """The non-empty lines of the model's view of `source`, as `encode_source` feeds them."""
    from neurodebug.neural_debugger.model.source_view import model_view

    stripped = (line.rstrip() for line in model_view(source).text.splitlines())
    return [line for line in stripped if line]


def train_bpe(texts: Iterable[str], vocab_size: int = BPE_VOCAB_SIZE) -> BpeTokenizer:
    """Train the v2 BPE on `texts` (one item per source line, as they are encoded).

    `vocab_size` counts text tokens (the 256 byte tokens included); the structure tokens come on
    top. Deterministic for the same texts in the same order.
    """
    from tokenizers import Regex, decoders, models, pre_tokenizers, trainers
    from tokenizers import Tokenizer as HfTokenizer

    bpe = HfTokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(BPE_PATTERN), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
        show_progress=False,
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    return BpeTokenizer(bpe.to_str())


def train_stdlib_bpe(
    out: Path = BPE_FILE, vocab_size: int = BPE_VOCAB_SIZE, root: Path | None = None
) -> BpeTokenizer:
    """Retrain the shipped BPE: this Python's stdlib minus tests and the held-out modules.

    `python3 -c "from neurodebug.neural_debugger.model.tokenizer import train_stdlib_bpe as t; t()"`
    """
    texts: list[str] = []
    for module, path in stdlib_modules(root):
        if is_held_out(module):
            continue
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        texts.extend(view_lines(source))
    tok = train_bpe(texts, vocab_size)
    tok.save(out)
    return tok

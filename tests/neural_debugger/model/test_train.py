"""Training: data preparation from a corpus, checkpoints, and exact resume."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from neurodebug.neural_debugger.model.checkpoint import load_checkpoint
from neurodebug.neural_debugger.model.train import PackedData, batch_indices, train
from neurodebug.neural_debugger.model.train_options import TrainOptions

from tests.neural_debugger.neural_fixtures import corpus_dir


def options(out: Path, steps: int) -> TrainOptions:
    return TrainOptions(
        corpus=str(corpus_dir()),
        out=str(out),
        n_layer=1,
        n_head=2,
        n_embd=32,
        batch_size=2,
        steps=steps,
        warmup=2,
        eval_every=3,
        save_minutes=1000,
        threads=1,
    )


def test_prepared_data_has_targets_and_the_split_holds_out_test_programs(tmp_path: Path) -> None:
    train(options(tmp_path / "run", 1))
    data = PackedData.load(tmp_path / "run" / "data" / "train.npz")
    assert len(data) > 0
    tokens, mask = data.get(0)
    assert 0 < mask.sum() < len(tokens)  # targets are a part of each sequence, not all of it
    assert (tmp_path / "run" / "checkpoint" / "model.safetensors").is_file()
    model, tok, facts = load_checkpoint(tmp_path / "run" / "checkpoint")
    assert facts["step"] == 1 and facts["tokens_seen"] > 0
    assert model.config.vocab_size >= tok.size


@pytest.mark.slow
def test_resuming_gives_exactly_the_uninterrupted_run(tmp_path: Path) -> None:
    train(options(tmp_path / "straight", 6))
    train(options(tmp_path / "split", 3))
    train(options(tmp_path / "split", 6))  # resumes at step 3 from state.pt
    a = torch.load(tmp_path / "straight" / "state.pt", weights_only=False)
    b = torch.load(tmp_path / "split" / "state.pt", weights_only=False)
    assert a["step"] == b["step"] == 6
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    lines = (tmp_path / "split" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 2  # evaluations at steps 3 and 6


@pytest.mark.slow
def test_best_holds_the_weights_that_were_validated(tmp_path: Path) -> None:
    train(options(tmp_path / "three", 3))  # its checkpoint: the weights after step 3
    train(options(tmp_path / "four", 4))  # validated at step 3, saved at the end (step 4)
    best, _, facts = load_checkpoint(tmp_path / "four" / "best")
    assert facts["step"] == facts["last_eval_step"] == 3
    validated, _, _ = load_checkpoint(tmp_path / "three" / "checkpoint")
    for name, tensor in validated.state_dict().items():
        assert torch.equal(tensor, best.state_dict()[name]), name


def test_batches_walk_epochs_without_repeats_inside_an_epoch() -> None:
    seen = [i for step in range(5) for i in batch_indices(step, 4, 20, seed=1)]
    assert sorted(seen) == list(range(20))
    assert batch_indices(7, 4, 20, seed=1) == batch_indices(7, 4, 20, seed=1)


def test_isolated_examples_see_only_the_source_and_themselves() -> None:
    """An example's loss must not depend on the examples packed before it, and its positions
    must be the ones inference gives it (right after the source)."""
    from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
    from neurodebug.neural_debugger.model.train import isolation

    torch.manual_seed(0)
    model = DebuggerModel(ModelConfig(vocab_size=40, block_size=64, n_layer=2, n_head=2, n_embd=16))
    model.eval()
    start = 1  # the `<state>` token that opens every example
    source = [5, 6, 7, 8]
    first, second = [start, 9, 10, 11], [start, 12, 13, 14, 15]
    packed = torch.tensor([source + first + second])
    changed = torch.tensor([[*source, start, 20, 21, 22, *second]])
    positions, mask = isolation(packed, start)
    assert positions[0].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8]
    alone, _ = model(torch.tensor([source + second]))
    isolated, _ = model(packed, positions=positions, attn_mask=mask)
    assert torch.allclose(isolated[0, -5:], alone[0, -5:], atol=1e-5)  # as at inference
    other, _ = model(changed, positions=positions, attn_mask=isolation(changed, start)[1])
    assert torch.allclose(other[0, -5:], isolated[0, -5:], atol=1e-5)
    causal, _ = model(packed)
    causal_other, _ = model(changed)
    assert not torch.allclose(causal[0, -5:], causal_other[0, -5:], atol=1e-3)  # the shortcut


def second_corpus(folder: Path) -> Path:
    """A corpus that re-files one program of the first under another split and adds a new one."""
    import json

    from neurodebug.neural_debugger.groundtruth.tracer import trace_source

    from tests.neural_debugger.neural_fixtures import records

    moved = [dict(r, meta={**r["meta"], "split": "train"}) for r in records() if r["id"] == "p4-0"]
    source = "def span(xs):\n    lo = min(xs)\n    hi = max(xs)\n    return hi - lo\n"
    new = {
        "id": "q0-0",
        "source": source,
        "function": "span",
        "call": "span([3, 9, 4])",
        "trace": trace_source(source, "span([3, 9, 4])").to_json(),
        "meta": {"origin": "synthetic", "split": "train", "hash": "q0"},
    }
    folder.mkdir()
    (folder / "train-00000.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*moved, new]))
    return folder


def test_several_corpora_keep_each_source_on_the_first_corpus_side(tmp_path: Path) -> None:
    from neurodebug.neural_debugger.model.corpus_data import read_corpora

    other = second_corpus(tmp_path / "other")
    merged = read_corpora([corpus_dir(), other])
    sources = {split: [p.source for p in programs] for split, programs in merged.items()}
    moved = next(r["source"] for r in records_of("p4-0"))
    assert moved in sources["test"] and moved not in sources["train"]  # first corpus wins
    assert any(s.startswith("def span") for s in sources["train"])
    everything = [s for programs in sources.values() for s in programs]
    assert len(everything) == len(set(everything))


def test_a_run_initialised_from_another_keeps_its_vocabulary(tmp_path: Path) -> None:
    import json

    train(options(tmp_path / "first", 2))
    other = second_corpus(tmp_path / "other")
    follow = options(tmp_path / "second", 1)
    follow.corpus = f"{corpus_dir()},{other}"
    follow.init_from = str(tmp_path / "first")
    train(follow)
    words = [
        json.loads((tmp_path / run / "data" / "tokenizer.json").read_text())
        for run in ("first", "second")
    ]
    assert words[0] == words[1]
    split = json.loads((tmp_path / "second" / "data" / "split.json").read_text())
    first = json.loads((tmp_path / "first" / "data" / "split.json").read_text())
    assert split["counts"]["train"] > first["counts"]["train"]  # the second corpus was read


def records_of(record_id: str) -> list[dict[str, object]]:
    from tests.neural_debugger.neural_fixtures import records

    return [r for r in records() if r["id"] == record_id]


def test_a_new_run_speaks_the_shipped_bpe_and_its_checkpoint_predicts(tmp_path: Path) -> None:
    from neurodebug.neural_debugger.model.tokenizer import BpeTokenizer, Tokenizer
    from neurodebug.neural_debugger.predict.inference import load_predictor

    train(options(tmp_path / "bpe", 1))
    tok = Tokenizer.load(tmp_path / "bpe" / "data" / "tokenizer.json")
    assert isinstance(tok, BpeTokenizer)
    predictor = load_predictor(tmp_path / "bpe" / "checkpoint")
    assert isinstance(predictor.tok, BpeTokenizer) and predictor.model.config.block_size == 2048
    source = "def twice(x):\n    y = x * 2\n    return y\n"
    predictor.fold = False  # the untrained model decides, through the constrained grammar
    trace = predictor.predict_trace(source, "twice", "twice(3)", max_steps=4)
    assert trace.steps[0].event == "call"
    assert all(1 <= step.line <= 3 for step in trace.steps)  # only the source's own lines

    words = options(tmp_path / "words", 1)
    words.tokenizer = "words"
    train(words)
    assert not isinstance(
        Tokenizer.load(tmp_path / "words" / "data" / "tokenizer.json"), BpeTokenizer
    )

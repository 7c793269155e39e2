"""The trace corpus: synthetic (and harvested) programs, traced for real, sharded with a manifest.

Build one with `neurodebug trace-corpus --out DIR --programs N [--workers K]`, or the real-code
corpus with `neurodebug trace-suites --out DIR` (real projects' test suites under the tracer,
`suite_tracer`). A finished corpus folder holds:

- `train-00000.jsonl`, `val-00000.jsonl`, `test-00000.jsonl`, … — one JSON record per line,
  at most `shard_size` records per shard (default 5,000);
- `manifest.json` — counts, shard lists per split, distributions, drop reasons, settings;
- `READY` — written last, once everything else is complete (readers wait for it).

Record format (one line of a shard; `version` 1):

```
{
  "id": "3f2a9c1b0d4e-0",        # program hash (12 hex) + "-" + call number
  "source": "def f(xs):\n    ...", # the whole program (helpers first, entry last); lines are 1-based
  "function": "f",                # the entry function's name
  "call": "f([1, 2, 3])",         # the call expression that was traced
  "trace": {                      # neurodebug.neural_debugger.groundtruth.trace.Trace.to_json()
    "stops": [                    # EVERY event of the program's own frames, in order:
      {"line": 1, "event": "call", "function": "f", "depth": 0, "locals": {"xs": "[1, 2, 3]"}},
      {"line": 2, "event": "line", "function": "f", "depth": 0, "locals": {"xs": "[1, 2, 3]"}},
      ...
      {"line": 5, "event": "return", "function": "f", "depth": 0, "locals": {...}, "value": "6"}
    ],
    "result": "6",                # repr of the entry's return value (null if it raised)
    "exception": null,            # "TypeName: message" when the entry call raised
    "status": "ok",               # "ok" or "exception" (other statuses are dropped)
    "stdout": "", "stderr": ""    # captured output, capped
  },
  "meta": {
    "origin": "synthetic",        # or "stdlib:<module>.<function>" (harvested), "suite:<project>"
    "split": "train",             # "train" | "val" | "test" — by program hash
    "hash": "3f2a9c1b0d4e...",    # sha1 of the AST-normalized source (dedup key)
    "constructs": ["for", "if", "recursion", ...],
    "lines": 14,                  # source lines
    "steps": 57,                  # len(trace.stops)
    "max_depth": 2                # deepest step depth (entry = 0)
    # harvested records only: "context_module": "posixpath" -- the source was run inside a copy
    # of that module's globals (its helpers and constants); only the function's lines are traced
    # suite records only (`trace-suites`, origin "suite:<project>"): "project", "file",
    # "qualname", "first_line" (where the function starts in that file; lines are numbered from
    # it), "test" (the test that made the call), "literal_call" (every argument reads back as a
    # literal); "split" is the project's and "hash" is per function, so a split never cuts one
  }
}
```

Step semantics (see tracer.py): `line` steps show the locals *before* the line runs; `call`
steps the arguments; `return` steps the final locals and `value` = repr of what was returned
(or yielded; absent when an exception propagates out); `exception` steps `value` = the exception
as `"TypeName: message"`. Values are reprs cut to 80 characters, containers past 12 items end
with `...`, memory addresses are removed. `depth` counts the program's frames (entry = 0);
comprehensions and generator expressions are frames of their own (`<listcomp>`, `<genexpr>`).

Debugger actions over a trace (step into / over / out, continue to a breakpoint, and their
inverses) are pure functions in `neurodebug.neural_debugger.groundtruth.actions`.
"""

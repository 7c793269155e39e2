"""Benchmarks behind the numbers in docs/benchmarks.md and the issues, and their helpers.

Each benchmark module exposes `register(bench_subparsers)` and `run(args)`; `neurodebug bench`
(neurodebug/commands/bench.py) lists them. Every benchmark runs its baseline in the same process
and writes JSON through `results.write_results`. May import every part; nothing imports it
except the `bench` subcommand and tests.
"""

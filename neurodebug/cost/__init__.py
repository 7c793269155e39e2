"""Ranking findings by cost: a measured line profile (`--profile`) or a predicted one (`--predict`).

profiling runs a command under the line tracer in a sandboxed subprocess; predicted_cost asks the
neural debugger for a trace instead; ranking joins either with the rule engine's findings and each
rule's typical speed-up. May import analyzers and neural_debugger; never server or commands.
"""

DEFAULT_TIMEOUT_S = 300.0
"""How long a profiled command may run (`analyze --profile-timeout`); here so the CLI's parser
can show it without importing the profiler."""

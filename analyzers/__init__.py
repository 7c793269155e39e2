"""Static analysis of Python with tree-sitter: parsing, dependencies, control flow and rules.

Nothing here knows about LSP; the server and the CLI translate these dataclasses.
"""

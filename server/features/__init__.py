"""One module per LSP feature; each exposes `register(server)` and keeps its handlers thin."""

"""The language server (pygls): LSP features over the analyzers, the neural debugger and kernels."""

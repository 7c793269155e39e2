"""The neural debugger: real traces (tracer, debugpy), the model that predicts them, its training."""

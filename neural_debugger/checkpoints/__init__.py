"""The shipped model checkpoints (data only: safetensors weights, config and tokenizer)."""

"""Low-bit (2–8 bit) weight-only quantization with packed weights and dequantize-matmul kernels."""

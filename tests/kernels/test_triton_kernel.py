"""The Triton kernel under TRITON_INTERPRET=1 (on the CPU) against the fp64 reference.

The interpreter must be chosen before triton is imported, so the checks run in a subprocess
that sets it; every bit width and group size, at batch 1 (the sum path) and batch 3 (tl.dot).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("triton") is None or importlib.util.find_spec("torch") is None,
    reason="triton is not installed (pip install 'neurodebug[gpu]'); the Triton kernel is untested",
)

SCRIPT = """
import json, torch
from neurodebug.kernels import quant
from neurodebug.kernels.triton_kernel import triton_matmul
generator = torch.Generator().manual_seed(0)
errors = {}
for bits in quant.BIT_WIDTHS:
    for group_size in quant.GROUP_SIZES:
        for scheme in quant.SCHEMES:
            qw = quant.quantize(torch.randn(40, 256, generator=generator), bits, group_size, scheme)
            bias = torch.randn(40, generator=generator)
            for batch in (1, 3):
                x = torch.randn(batch, 256, generator=generator)
                y = triton_matmul(x, qw, bias)
                assert y.shape == (batch, 40)
                expected = quant.reference_matmul(x, qw, bias)
                errors[f"{bits}/{group_size}/{scheme}/{batch}"] = quant.max_relative_error(y, expected)
print(json.dumps(errors))
"""


@pytest.mark.slow
def test_triton_kernel_matches_fp64_reference_interpreted() -> None:
    env = {**os.environ, "TRITON_INTERPRET": "1"}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    errors = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(errors) == 7 * 3 * 2 * 2  # every bit width, group size, scheme and batch
    worst = max(errors, key=errors.__getitem__)
    assert errors[worst] <= 1e-4, (worst, errors[worst])

"""Where the compiled CPU kernel lives, answerable without importing torch.

The language server asks "is the kernel built?" soon after start-up; importing torch to answer
held the interpreter lock for about a second while the first diagnostics of a large module were
being computed. The library's name depends on the kernel source, torch's version (read from the
installed package's metadata, the same string as `torch.__version__`), Python and the machine.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import sys
from pathlib import Path

from neurodebug.files import user_cache_folder

SOURCE = Path(__file__).with_name("cpu_kernel.cpp")


def cache_root() -> Path:
    """Where compiled kernels live: $NEURODEBUG_CACHE_DIR, else the user's cache folder."""
    folder = user_cache_folder("kernels")
    if folder is None:
        raise RuntimeError("no home folder for the kernel cache: set NEURODEBUG_CACHE_DIR")
    return folder


def extension_name() -> str:
    """A module name that changes whenever the source, torch or Python changes."""
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    digest = hashlib.sha256()
    digest.update(SOURCE.read_bytes())
    digest.update(f"{torch_version}|{sys.version}|{platform.machine()}".encode())
    return f"neurodebug_qkernel_{digest.hexdigest()[:16]}"


def library_folder() -> Path:
    """The cache folder of this source's build (set `NEURODEBUG_CACHE_DIR` to move it)."""
    return cache_root() / extension_name()


def library_in_cache() -> bool:
    """Whether a built library for this source, torch and Python sits in the cache."""
    return any(library_folder().glob(f"{extension_name()}*.so"))

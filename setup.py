"""Map the part folders into the one `neurodebug` import package (metadata is in pyproject.toml),
and compile the analysis core with mypyc.

setuptools' `packages.find` cannot rename folders, so the package list is computed here:
`server/` becomes `neurodebug.server`, `server/x/` becomes `neurodebug.server.x`, and so on.

Why mypyc: the facts every rule, hover and slice stand on (`analyzers/`: statement graphs,
effects, reaching definitions, constants) are plain typed Python over tree-sitter nodes; compiled
to C they run about 1.3x faster (`neurodebug bench analyze`, docs/benchmarks.md). The modules stay
ordinary Python: `NEURODEBUG_PURE_PYTHON=1` at install time skips the compiler, and without a
working C compiler or mypy the install is pure Python. At run time `analyzers/_native.py` falls
back to the `.py` files when they changed after the build (an editable install being edited).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

from setuptools import find_packages, setup
from setuptools.command.build_ext import build_ext

PARTS = {
    "neurodebug": "neurodebug",
    "neurodebug.server": "server",
    "neurodebug.analyzers": "analyzers",
    "neurodebug.neural_debugger": "neural_debugger",
    "neurodebug.kernels": "kernels",
}

HERE = Path(__file__).resolve().parent


def _load_native() -> ModuleType:
    """analyzers/_native.py on its own (standard library only): the list of compiled modules,
    the sources a build depends on and the environment switch, shared with the run-time check."""
    spec = importlib.util.spec_from_file_location(
        "_neurodebug_native", HERE / "analyzers" / "_native.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NATIVE = _load_native()
COMPILED: list[str] = list(NATIVE.COMPILED)
BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}
"""The commands that compile; metadata (`egg_info`, `dist_info`), `sdist` and `--version` do
not, so pip's metadata steps do not run mypyc as well (each run is ~25 s)."""
digests_when_staged: dict[str, str] = {}


def can_compile_c() -> bool:
    """Whether a C compiler and Python's headers work here (a wheel-less install may lack them)."""
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler

    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "probe.c"
        probe.write_text("#include <Python.h>\nint probe(void) { return 0; }\n")
        compiler = new_compiler()
        customize_compiler(compiler)
        try:
            compiler.compile(
                [str(probe)], output_dir=scratch, include_dirs=[sysconfig.get_paths()["include"]]
            )
        except Exception:
            return False
    return True


def compiled_extensions() -> list:
    """mypyc's extensions for the analysis core, or none (pure Python) where it cannot build.

    mypyc names modules by their path, so the sources are staged as `neurodebug/analyzers/*.py`
    (the folder mapping of this repository would make them `analyzers.*`)."""
    if NATIVE.pure_python_requested() or not BUILD_COMMANDS & set(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("neurodebug: mypy is not installed; building pure Python", file=sys.stderr)
        return []
    if not can_compile_c():
        print("neurodebug: no working C compiler; building pure Python", file=sys.stderr)
        return []
    stage = HERE / "build" / "mypyc-src"
    shutil.rmtree(stage, ignore_errors=True)
    digests_when_staged.update(NATIVE.source_digests(HERE / "analyzers", HERE / "neurodebug"))
    shutil.copytree(HERE / "neurodebug", stage / "neurodebug", ignore=_not_python)
    shutil.copytree(HERE / "analyzers", stage / "neurodebug" / "analyzers", ignore=_not_python)
    paths = [f"neurodebug/analyzers/{name}.py" for name in COMPILED]
    config = str(HERE / "pyproject.toml")
    cwd = Path.cwd()
    os.chdir(stage)
    try:
        extensions = mypycify(
            ["--config-file", config, *paths],
            group_name=f"neurodebug.analyzers.{NATIVE.GROUP}",
            target_dir=str(HERE / "build" / "mypyc"),
        )
    except (Exception, SystemExit) as error:  # mypy rejected the sources: still installable
        print(f"neurodebug: mypyc failed ({error}); building pure Python", file=sys.stderr)
        return []
    finally:
        os.chdir(cwd)
    for extension in extensions:  # sources and include paths relative to the stage
        extension.sources = [_absolute(source, stage) for source in extension.sources]
        extension.include_dirs = [_absolute(folder, stage) for folder in extension.include_dirs]
    return extensions


class BuildOrFallBack(build_ext):
    """Records what was compiled only once it is built, and turns a failed build into a
    pure-Python install (with a message) rather than a failed one: a compiler may reject mypyc's
    C (a new warning under its `-Werror`, say), and the compiled modules are only faster."""

    def run(self) -> None:
        records = [Path(self.build_lib, "neurodebug", "analyzers", NATIVE.RECORD)]
        if self.inplace or self.editable_mode:  # the extensions go beside the sources
            records.append(HERE / "analyzers" / NATIVE.RECORD)
        for record in records:  # until this build succeeds, no extension here is to be used
            record.unlink(missing_ok=True)
        try:
            super().run()
        except Exception as error:
            print(
                f"neurodebug: compiling the analysis core failed ({error}); installing pure "
                "Python (NEURODEBUG_PURE_PYTHON=1 skips the attempt)",
                file=sys.stderr,
            )
            for extension in self.extensions:
                Path(self.get_ext_fullpath(extension.name)).unlink(missing_ok=True)
            self.extensions = []
            return
        if self.extensions and digests_when_staged:
            text = json.dumps(digests_when_staged, indent=1, sort_keys=True) + "\n"
            for record in records:
                if record.parent.is_dir():
                    record.write_text(text)


def _not_python(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]


def _absolute(path: str, base: Path) -> str:
    return path if os.path.isabs(path) else str(base / path)


package_dir: dict[str, str] = {}
packages: list[str] = []
for package, folder in PARTS.items():
    package_dir[package] = folder
    packages.append(package)
    for sub in find_packages(where=folder):
        packages.append(f"{package}.{sub}")
        package_dir[f"{package}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

setup(
    packages=packages,
    package_dir=package_dir,
    ext_modules=compiled_extensions(),
    cmdclass={"build_ext": BuildOrFallBack},
)

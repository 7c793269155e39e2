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

import ast
import hashlib
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

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


def compiled_module_names() -> list[str]:
    """`COMPILED` of analyzers/_native.py (which checks them at run time), read without
    importing the package (its dependencies need not be installed yet)."""
    tree = ast.parse((HERE / "analyzers" / "_native.py").read_text())
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "COMPILED" for target in statement.targets
        ):
            return list(ast.literal_eval(statement.value))
    raise LookupError("analyzers/_native.py defines no COMPILED")


COMPILED = compiled_module_names()
MANIFEST = HERE / "analyzers" / "_compiled_sources.json"


def source_digests() -> dict[str, str]:
    """What the compiled modules were built from, for `_native.py`'s staleness check."""
    return {
        name: hashlib.sha256((HERE / "analyzers" / f"{name}.py").read_bytes()).hexdigest()
        for name in COMPILED
    }


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
    MANIFEST.unlink(missing_ok=True)
    if os.environ.get("NEURODEBUG_PURE_PYTHON"):
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
    shutil.copytree(HERE / "neurodebug", stage / "neurodebug", ignore=_not_python)
    shutil.copytree(HERE / "analyzers", stage / "neurodebug" / "analyzers", ignore=_not_python)
    paths = [f"neurodebug/analyzers/{name}.py" for name in COMPILED]
    config = str(HERE / "pyproject.toml")
    cwd = Path.cwd()
    os.chdir(stage)
    try:
        extensions = mypycify(
            ["--config-file", config, *paths],
            group_name="neurodebug.analyzers._compiled",
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
    MANIFEST.write_text(json.dumps(source_digests(), indent=1, sort_keys=True) + "\n")
    return extensions


class BuildOrFallBack(build_ext):
    """A compiler that fails on mypyc's C (a new warning under its `-Werror`, say) leaves a
    pure-Python install and a message, not a failed one: the compiled modules are only faster."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:
            print(
                f"neurodebug: compiling the analysis core failed ({error}); installing pure "
                "Python (NEURODEBUG_PURE_PYTHON=1 skips the attempt)",
                file=sys.stderr,
            )
            # without the record, what is left of the build is never used
            MANIFEST.unlink(missing_ok=True)
            built = Path(self.build_lib, "neurodebug", "analyzers", MANIFEST.name)
            built.unlink(missing_ok=True)  # build_py copied it there already
            for extension in self.extensions:
                Path(self.get_ext_fullpath(extension.name)).unlink(missing_ok=True)
            self.extensions = []


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

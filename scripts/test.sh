#!/usr/bin/env bash
# Install everything the tests need, then run the whole test suite (fast tests first, e2e last).
# This is README command (2) and what .ci/run executes. It uses `python3` from PATH, so it works
# the same in a virtual environment. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Debian packages the editor end-to-end tests drive: Emacs with eglot (tests/editors/), plus any
# in $NEURODEBUG_APT_PACKAGES. Installed only as root where apt-get exists and something is
# missing; without them those tests skip and say why.
APT_PACKAGES="emacs-nox elpa-eglot ${NEURODEBUG_APT_PACKAGES:-}"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] \
  && ! dpkg -s $APT_PACKAGES >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $APT_PACKAGES >/dev/null; } \
    || echo "warning: could not install $APT_PACKAGES; the tests that drive them will skip" >&2
fi

# The gpu extra (triton) lets the tests check the Triton kernel under TRITON_INTERPRET=1.
# torch is pinned to the CPU build that lies on this machine's disk; an unpinned torch pulls CUDA.
"$PYTHON" -m pip install -q --root-user-action=ignore "torch==2.13.0" -e ".[neural,test,gpu]"
"$PYTHON" -c "import neurodebug, torch, pytest_lsp" # fail early if the install did not take
# the compiled analysis core was built just now: tests/analyzers/test_native.py must then find it
# current (stale there means a bug in its record, not an edit since the install)
export NEURODEBUG_JUST_INSTALLED=1

"$PYTHON" -m pytest -m "not e2e" "$@"
"$PYTHON" -m pytest -m "e2e" "$@" || { code=$?; [ "$code" -eq 5 ] || exit "$code"; }

# The VS Code extension: npm ci from the committed lock file, the esbuild bundle, unit tests with
# `vscode` stubbed, the integration test against the real server (started with $PYTHON), and the
# check of what the .vsix holds.
(cd vscode-extension && npm ci --no-audit --no-fund && npm run build \
  && NEURODEBUG_TEST_PYTHON="$PYTHON" npm test && npm run package)

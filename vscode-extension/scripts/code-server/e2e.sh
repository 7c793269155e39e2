#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code host: installs code-server (once,
# cached), installs neurodebug.vsix into it, serves a workspace holding prog.py, and drives it with
# Chromium through Playwright (e2e.py): a diagnostic, the code lenses, the status bar item,
# predicted values after Predict Trace, and the pip offer for a Python without neurodebug.
#
# Not part of scripts/test.sh: the first run compiles code-server's native modules (~5 min).
# Needs: apt-get install libkrb5-dev ripgrep chromium; neurodebug importable by python3.
# Usage: scripts/code-server/e2e.sh [OUT_DIR] [e2e.py options, e.g. --no-prediction]
#        E2E_SETTINGS='{"neurodebug.checkpoint": "/abs/dir", "neurodebug.predictTimeout": 300}'
#        adds settings to the test workspace.
set -euo pipefail
cd "$(dirname "$0")/../.."
HOST="${CODE_SERVER_DIR:-$HOME/.cache/neurodebug/code-server}"
OUT="$(realpath -m "${1:-e2e-output}")"
shift || true

bash scripts/code-server/install.sh "$HOST"
npm run package >/dev/null
if [ ! -x "$HOST/playwright-venv/bin/python" ]; then
  python3 -m venv "$HOST/playwright-venv"
  "$HOST/playwright-venv/bin/pip" install -q playwright   # drives Debian's chromium: no browser download
fi

WORK="$(mktemp -d)"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/ws/.vscode" "$WORK/data" "$WORK/extensions"
cp scripts/code-server/prog.py "$WORK/ws/"
cat > "$WORK/ws/.vscode/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "workbench.colorTheme": "Default Dark Modern"
}
JSON
if [ -n "${E2E_SETTINGS:-}" ]; then   # extra workspace settings, e.g. another model checkpoint
  python3 - "$WORK/ws/.vscode/settings.json" "$E2E_SETTINGS" <<'PY'
import json, sys
path, extra = sys.argv[1], json.loads(sys.argv[2])
settings = json.load(open(path))
settings.update(extra)
json.dump(settings, open(path, "w"), indent=2)
PY
fi
CODE_SERVER="$HOST/node_modules/.bin/code-server"
"$CODE_SERVER" --extensions-dir "$WORK/extensions" --user-data-dir "$WORK/data" \
  --install-extension "$PWD/neurodebug.vsix"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --extensions-dir "$WORK/extensions" --user-data-dir "$WORK/data" \
  "$WORK/ws" >"$WORK/code-server.log" 2>&1 &
PID=$!
for _ in $(seq 60); do
  grep -q "HTTP server listening" "$WORK/code-server.log" && break
  sleep 0.5
done
status=0
"$HOST/playwright-venv/bin/python" scripts/code-server/e2e.py --url "http://127.0.0.1:$PORT/?folder=$WORK/ws" \
  --workspace "$WORK/ws" --out "$OUT" "$@" || status=$?
mkdir -p "$OUT"
cp "$WORK/data/logs"/*/exthost1/neurodebug.neurodebug/neurodebug.log "$OUT/" 2>/dev/null || true
exit "$status"

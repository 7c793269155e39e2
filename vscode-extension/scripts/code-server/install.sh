#!/usr/bin/env bash
# Install code-server 4.96.4 (VS Code 1.96.4, the last line that runs on node 20) into $1 using
# only the npm registry and Debian packages, for the end-to-end test in e2e.sh.
#
# A plain `npm install code-server` fails here in two places, both worked around below:
# - VS Code's npm-shrinkwrap.json pins @vscode/proxy-agent to a GitHub commit (unreachable):
#   the same version is taken from the npm registry instead;
# - native modules fetch prebuilt binaries from GitHub releases: they are compiled from source
#   against the local node headers (/usr/include/node), and ripgrep comes from Debian.
# Needs: node 20, npm, gcc/make, and `apt-get install libkrb5-dev ripgrep chromium`.
# Takes ~5 minutes on 2 cores (most of it compiling node-pty, spdlog, kerberos).
set -euo pipefail
DEST="${1:?usage: install.sh DIR}"
VERSION=4.96.4
mkdir -p "$DEST"
cd "$DEST"
if [ -x node_modules/.bin/code-server ] && node_modules/.bin/code-server --version 2>/dev/null | grep -q "^$VERSION "; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
for tool in rg gcc make; do
  command -v "$tool" >/dev/null || { echo "install.sh: $tool is missing (apt-get install ripgrep build-essential)" >&2; exit 2; }
done
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || { echo "install.sh: apt-get install libkrb5-dev" >&2; exit 2; }
export npm_config_nodedir="${npm_config_nodedir:-/usr}"   # node-gyp: use local headers, no download
export npm_config_dangerously_allow_all_scripts=true     # npm 11 blocks dependency scripts by default

[ -f package.json ] || echo '{"name": "code-server-host", "version": "1.0.0", "private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
npm rebuild --foreground-scripts argon2

cd node_modules/code-server/lib/vscode
node -e '
const fs = require("fs");
const file = "npm-shrinkwrap.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const entry = lock.packages["node_modules/@vscode/proxy-agent"];
if (entry && entry.resolved.startsWith("git")) {
  entry.resolved = `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${entry.version}.tgz`;
  delete entry.integrity;
  fs.writeFileSync(file, JSON.stringify(lock, null, 2));
}'
npm install --omit=dev --ignore-scripts --no-audit --no-fund
npm rebuild --foreground-scripts node-pty @vscode/spdlog @parcel/watcher native-watchdog kerberos @vscode/deviceid
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# What code-server's own postinstall.sh does after its npm install:
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser)
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
cd "$DEST"
node_modules/.bin/code-server --version

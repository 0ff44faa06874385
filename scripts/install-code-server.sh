#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release for node 20) into .vscode-test/ once, offline-safe:
# @vscode/ripgrep's install script downloads from GitHub, so it is given Debian's rg through its cache instead.
# Chromium and ripgrep come from apt when missing (root) — otherwise the exact command to run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.100.3
MARK=.vscode-test/node_modules/code-server/lib/vscode/out/server-main.js

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "e2e: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "e2e: missing ${need_apt[*]}; run: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 3
  fi
fi

if [ -f "$MARK" ] && grep -q "\"version\": \"$VERSION\"" .vscode-test/node_modules/code-server/package.json 2>/dev/null; then
  exit 0
fi
echo "e2e: installing code-server $VERSION into .vscode-test/ (one time, about 2 minutes)" >&2
C=$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11
mkdir -p "$C" .vscode-test/rgdir
cp "$(command -v rg)" .vscode-test/rgdir/rg
tar czf "$C/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C .vscode-test/rgdir rg
[ -f .vscode-test/package.json ] || echo '{"name":"vscode-test-host","private":true}' > .vscode-test/package.json
npm_config_yes=true npm_config_unsafe_perm=true npm install --prefix .vscode-test --no-audit --no-fund \
  "code-server@$VERSION" --foreground-scripts > .vscode-test/install.log 2>&1 || {
    tail -30 .vscode-test/install.log >&2; echo "e2e: code-server install failed (log: .vscode-test/install.log)" >&2; exit 3; }
[ -f "$MARK" ] || { echo "e2e: code-server installed but $MARK is missing" >&2; exit 3; }

#!/usr/bin/env bash
# Installs test-only tools that Debian does not package into .tools/ (gitignored) and links them
# into .tools/bin, which the test runner puts on PATH. Today: nushell, from the npm registry's
# official build (@nushell/linux-x64; only on Linux x86-64). PowerShell has neither a Debian nor an
# installable npm build here, so its tests skip with a printed reason.
set -euo pipefail
cd "$(dirname "$0")/.."
NU_VERSION=0.115.1
mkdir -p .tools/bin
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] && [ ! -x .tools/bin/nu ]; then
  npm install --prefix .tools --no-save --no-audit --no-fund --no-package-lock "@nushell/linux-x64@${NU_VERSION}" >/dev/null
  ln -sf ../node_modules/@nushell/linux-x64/bin/nu .tools/bin/nu
fi

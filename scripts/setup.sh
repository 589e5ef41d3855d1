#!/usr/bin/env bash
# Installs everything the pipeline and its gates need, from the pinned lock files only:
# npm packages (package-lock.json) and the external CLIs (policies/toolchain/versions.json), then builds
# the console. Gitea and Chromium, which only the console's demo and browser tests need, install on first use.
# Safe to re-run: each step skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "setup: Node.js 20.19 or newer is required (found $(node --version 2>/dev/null || echo none)); install it from your distribution or nodejs.org" >&2
  exit 1
fi

start=$(date +%s)
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "setup: npm packages already installed"
else
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-tools.sh
node scripts/run.mjs build-console
echo "setup: done in $(( $(date +%s) - start ))s"

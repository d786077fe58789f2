#!/usr/bin/env bash
# The action's first step: make the rescind of the action's own ref runnable, so that every later step
# runs `node "$GITHUB_ACTION_PATH/bin/rescind.js"`, the code the workflow pinned, never a package name
# resolved at run time. A ref that ships dist/ (a release) is used as it is; otherwise the
# dependencies are installed from the ref's own package-lock.json (`npm ci`, no install scripts) and
# rescind is built there. Nothing is installed in, or read from, the repository being checked.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
npm=${NPM:-npm}
if [ -f "$root/dist/cli-bundle/main.js" ]; then
  exit 0
fi
cd "$root"
"$npm" ci --ignore-scripts --no-audit --no-fund
"$npm" run build
node bin/rescind.js --version

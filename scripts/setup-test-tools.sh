#!/usr/bin/env bash
# Installs what the full test suite needs beyond npm packages (Debian packages).
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
# Debian's python3-* packages serve the system interpreter, which may not be the first
# python3 on PATH (pyenv); the interop tests look for an interpreter that has both.
py=/usr/bin/python3
[[ -x $py ]] || py=python3
$py -c 'import msgpack' 2>/dev/null || need+=(python3-msgpack)
$py -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ((${#need[@]})); then
  echo "setup-test-tools: installing ${need[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

#!/usr/bin/env bash
# Installs what the full test suite needs beyond npm packages (Debian packages).
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
# The Python reader's tests use the first of these with both modules (test/io-python.test.ts);
# Debian's packages serve /usr/bin/python3, which may not be the python3 first on PATH.
python_ready() {
  local py
  for py in "${GIGPO_PYTHON:-}" python3 /usr/bin/python3; do
    [[ -n $py ]] && "$py" -c 'import msgpack, numpy' 2>/dev/null && return 0
  done
  return 1
}
python_ready || need+=(python3 python3-msgpack python3-numpy)
# The env-server example (test/env-server-python.test.ts) plays OpenEnv with python3-websockets.
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need+=(python3-websockets)
# The training smoke test (test/train-small-policy.test.ts) trains a torch policy: python3-torch.
python_torch_ready() {
  local py
  for py in "${GIGPO_PYTHON:-}" python3 /usr/bin/python3; do
    [[ -n $py ]] && "$py" -c 'import msgpack, numpy, torch' 2>/dev/null && return 0
  done
  return 1
}
python_torch_ready || need+=(python3-torch)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# The C++ unit tests, sanitizer builds and libFuzzer targets (native/test/run.sh).
command -v clang++-14 >/dev/null 2>&1 || need+=(clang-14)
[[ -f $(clang++-14 -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null) ]] 2>/dev/null || need+=(libclang-rt-14-dev)
[[ -f /usr/include/doctest/doctest.h ]] || need+=(doctest-dev)
command -v make >/dev/null 2>&1 || need+=(make)
# `npm run lint` checks native/ with clang-format (scripts/lint.mjs takes clang-format-14 first, the version
# of the clang above, then clang-format); the Debian package clang-format-14 provides clang-format-14.
command -v clang-format-14 >/dev/null 2>&1 || command -v clang-format >/dev/null 2>&1 || need+=(clang-format-14)
if ((${#need[@]})); then
  echo "setup-test-tools: installing ${need[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

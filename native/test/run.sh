#!/usr/bin/env bash
# Builds and runs the C++ checks (test/native-cpp.test.ts runs this inside `npm test`):
#   1. doctest unit tests of native/core under ASan + UBSan
#   2. the tight-loop bench under ASan + UBSan, briefly, for every env
#   3. each libFuzzer target for FUZZ_SECONDS (default 10) from its committed seed corpus
#   4. a subset of the vitest suite with the ASan-built addon (LD_PRELOAD of libasan)
# Prints one line per step and, last, a JSON summary line. Exits non-zero on any failure.
# Needs clang-14, libclang-rt-14-dev and doctest-dev (scripts/setup-test-tools.sh).
#   FUZZ_SECONDS=60 native/test/run.sh          longer fuzzing
#   SKIP_ASAN_VITEST=1 native/test/run.sh       steps 1-3 only
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build-native-test"
fuzz_seconds="${FUZZ_SECONDS:-10}"
cd "$root"
for tool in clang++-14 make; do
  command -v "$tool" >/dev/null || { echo "native/test/run.sh: $tool not found (run scripts/setup-test-tools.sh)" >&2; exit 3; }
done
[[ -f /usr/include/doctest/doctest.h ]] || { echo "native/test/run.sh: doctest.h not found (doctest-dev; run scripts/setup-test-tools.sh)" >&2; exit 3; }
asan_lib="$(clang++-14 -print-file-name=libclang_rt.asan-x86_64.so)"
[[ -f $asan_lib ]] || { echo "native/test/run.sh: libclang_rt.asan not found (libclang-rt-14-dev)" >&2; exit 3; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

mkdir -p "$out"
t=$(now)
make -C native/test -s -j"$(nproc)" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
build_s=$(since "$t")
echo "build: ${build_s} s"

t=$(now)
"$out/unit-tests" --no-intro=true | tee "$out/unit.log" | tail -n 3
unit_s=$(since "$t")
unit_cases=$(sed -n 's/.*test cases: *\([0-9]*\) |.*/\1/p' "$out/unit.log")
unit_asserts=$(sed -n 's/.*assertions: *\([0-9]*\) |.*/\1/p' "$out/unit.log")
echo "unit tests: ${unit_cases} cases, ${unit_asserts} assertions, ${unit_s} s"

envs=$(node -e "import('./dist/lib/index.js').then((m) => console.log(m.listEnvs().map((e) => e.name).join(' ')))")
t=$(now)
loop_steps=0
for env in $envs; do
  line=$("$out/tightloop-asan" --env "$env" --envs 64 --seconds 0.3)
  loop_steps=$((loop_steps + $(sed -n 's/.*"steps":\([0-9]*\).*/\1/p' <<<"$line")))
done
loop_s=$(since "$t")
echo "tight loop (ASan): ${loop_steps} steps over $(wc -w <<<"$envs") envs, ${loop_s} s"

fuzz_json=""
fuzz_fail=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for seeds in native/fuzz/corpus/*/; do
  target="$(basename "$seeds")"
  mkdir -p "$work/$target"
  t=$(now)
  set +e
  GIGPO_FUZZ_TARGET="$target" "$out/fuzz" -max_total_time="$fuzz_seconds" -print_final_stats=1 -max_len=4096 \
    -artifact_prefix="$work/$target/" "$work/$target" "$seeds" >"$work/$target.log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
  crashes=$(find "$work/$target" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' | wc -l)
  if [[ $rc -ne 0 || $crashes -ne 0 ]]; then
    fuzz_fail=1
    tail -n 40 "$work/$target.log" >&2
    mkdir -p "$out/fuzz-artifacts" && cp "$work/$target/"crash-* "$work/$target/"timeout-* "$out/fuzz-artifacts/" 2>/dev/null || true
  fi
  s=$(since "$t")
  echo "fuzz $target: ${execs:-0} executions, ${s} s, ${crashes} crashes (exit $rc)"
  fuzz_json+="${fuzz_json:+,}{\"target\":\"$target\",\"executions\":${execs:-0},\"seconds\":$s,\"crashes\":$crashes,\"exit\":$rc}"
done

asan_json="null"
if [[ -z ${SKIP_ASAN_VITEST:-} ]]; then
  # Native-heavy test files; the memory soaks are left out (ASan's own memory would trip their RSS bounds).
  files=(test/env-batch.test.ts test/env-batch-step-at.test.ts test/native-safety.test.ts test/trajectories.test.ts
    test/advantage-example.test.ts test/advantage-properties.test.ts test/similarity-ratio.test.ts
    test/sokoban-rules.test.ts test/sokoban-errors.test.ts test/household.test.ts test/shop.test.ts test/rollout.test.ts
    test/jsonl-encode.test.ts test/jsonl-parse.test.ts)
  t=$(now)
  LD_PRELOAD="$asan_lib" GIGPO_NATIVE_ADDON="$out/gigpo-asan.node" \
    npx vitest run --config native/test/vitest-asan.config.mjs --reporter=json --outputFile="$out/asan-vitest.json" "${files[@]}" >"$out/asan-vitest.log" 2>&1 ||
    { tail -n 60 "$out/asan-vitest.log" >&2; fuzz_fail=1; }
  s=$(since "$t")
  read -r passed failed < <(node -e "const r = require('$out/asan-vitest.json'); console.log(r.numPassedTests, r.numFailedTests)")
  echo "vitest with the ASan addon: ${#files[@]} files, ${passed} passed, ${failed} failed, ${s} s"
  asan_json="{\"files\":${#files[@]},\"passed\":$passed,\"failed\":$failed,\"seconds\":$s}"
fi

echo "{\"build\":{\"seconds\":$build_s},\"unit\":{\"cases\":$unit_cases,\"assertions\":$unit_asserts,\"seconds\":$unit_s},\"tightloop\":{\"steps\":$loop_steps,\"seconds\":$loop_s},\"fuzz\":[$fuzz_json],\"asanVitest\":$asan_json}"
exit $fuzz_fail

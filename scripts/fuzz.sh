#!/usr/bin/env bash
# Hostile-input runs of issue 7, bounded in time, with a summary of executions and findings.
#
#   scripts/fuzz.sh                 # every cargo-fuzz target for FUZZ_SECONDS, then the proptest suites
#   FUZZ_SECONDS=300 scripts/fuzz.sh
#   PROPTEST_CASES=50000 PROPTEST_SECONDS=900 scripts/fuzz.sh
#   SKIP_CARGO_FUZZ=1 scripts/fuzz.sh   # proptest suites only
#
# cargo-fuzz (libFuzzer) needs a nightly compiler for its sanitizer flags: the script uses
# `cargo +nightly fuzz` when a nightly toolchain is installed, else `RUSTC_BOOTSTRAP=1 cargo fuzz`
# on the stable one. When neither works (no cargo-fuzz, no C++ compiler for libFuzzer), it
# says so and runs only the proptest suites (tests/reliability_hostile.rs) with a large case
# count: the same targets (TaskParam parser/validator, wire decoder, request verification and
# decoding) under generated inputs, without coverage guidance.
#
# The summary goes to stdout and to target/fuzz-report.txt; crashes found by libFuzzer stay
# in fuzz/artifacts/<target>/.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
PROPTEST_CASES="${PROPTEST_CASES:-20000}"
PROPTEST_SECONDS="${PROPTEST_SECONDS:-1200}"
REPORT="$ROOT/target/fuzz-report.txt"
TARGETS=(taskparam_validate wire_decode request_verify percent_encode)
mkdir -p "$ROOT/target"
: >"$REPORT"
say() { echo "$*" | tee -a "$REPORT"; }

say "# fuzz.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
failed=0

# --- cargo-fuzz ---------------------------------------------------------------------------
fuzz_cmd=()
if [[ "${SKIP_CARGO_FUZZ:-0}" != 1 ]] && cargo fuzz --version >/dev/null 2>&1; then
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz_cmd=(cargo +nightly fuzz)
  else
    fuzz_cmd=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
  fi
fi

seed_corpus() {
  local dir="$ROOT/fuzz/corpus"
  mkdir -p "$dir/taskparam_validate" "$dir/wire_decode" "$dir/request_verify"
  local f
  for f in crates/taskparam/tests/data/*.json; do
    # First byte: the document kind to validate as (7 = detect it).
    { printf '\x07'; cat "$f"; } >"$dir/taskparam_validate/seed-$(basename "$f")"
  done
  # First two bytes: the HTTP status (little-endian), then the body of each wire fixture.
  python3 - "$dir/wire_decode" crates/wire/tests/data/*.json <<'PY'
import json, struct, sys, os
out = sys.argv[1]
for path in sys.argv[2:]:
    case = json.load(open(path))
    body = case.get("body", case)
    raw = body if isinstance(body, str) else json.dumps(body)
    with open(os.path.join(out, "seed-" + os.path.basename(path)), "wb") as f:
        f.write(struct.pack("<H", int(case.get("http_status", 200))) + raw.encode())
PY
  # Patch mode (first byte 0) over the valid v1 and ACS3 requests, and a text request.
  printf '\x00\x00' >"$dir/request_verify/seed-valid-v1"
  printf '\x00\x01' >"$dir/request_verify/seed-valid-acs3"
  printf 'POST\n/\nAction=GetDISyncTask&Signature=x\nauthorization: ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00\nhost: h\n\nTaskContent=%%7B%%7D' \
    >"$dir/request_verify/seed-text"
}

if [[ ${#fuzz_cmd[@]} -gt 0 ]]; then
  say "## cargo-fuzz (${fuzz_cmd[*]}), ${FUZZ_SECONDS}s per target"
  seed_corpus
  if ! (cd fuzz && "${fuzz_cmd[@]}" build -O >"$ROOT/target/fuzz-build.log" 2>&1); then
    say "cargo fuzz build failed (see target/fuzz-build.log); falling back to the proptest suites only"
    fuzz_cmd=()
  fi
fi
if [[ ${#fuzz_cmd[@]} -gt 0 ]]; then
  for t in "${TARGETS[@]}"; do
    log="$ROOT/target/fuzz-$t.log"
    (cd fuzz && "${fuzz_cmd[@]}" run -O "$t" -- -max_total_time="$FUZZ_SECONDS" \
      -print_final_stats=1 -rss_limit_mb=2048 -max_len=65536 -timeout=10) >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | wc -l)
    if [[ $rc -eq 0 ]]; then verdict="no finding"; else verdict="FINDING (exit $rc, see $log and fuzz/artifacts/$t)"; failed=1; fi
    say "$t: ${execs:-?} executions in ${FUZZ_SECONDS}s, ${cov:-cov: ?}, peak RSS ${peak:-?} MB, artifacts $crashes: $verdict"
  done
else
  say "## cargo-fuzz: not run (cargo-fuzz missing, SKIP_CARGO_FUZZ=1, or its build failed)"
fi

# --- proptest suites --------------------------------------------------------------------------
say "## proptest suites (tests/reliability_hostile.rs), PROPTEST_CASES=$PROPTEST_CASES, release build, at most ${PROPTEST_SECONDS}s"
log="$ROOT/target/fuzz-proptest.log"
start=$(date +%s)
PROPTEST_CASES="$PROPTEST_CASES" RELIABILITY_HUGE=200000 timeout "$PROPTEST_SECONDS" \
  cargo test --release -p dataworks-di --test reliability_hostile -- --test-threads=2 >"$log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))
props=$(grep -c -E '^test .*(never_panics|wrong_values).* ok$' "$log")
passed=$(sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' "$log" | tail -1)
if [[ $rc -eq 0 ]]; then
  say "proptest: ${passed:-0} tests passed in ${elapsed}s; $props properties x $PROPTEST_CASES cases = $(( props * PROPTEST_CASES )) generated inputs, no finding"
elif [[ $rc -eq 124 ]]; then
  say "proptest: stopped by the ${PROPTEST_SECONDS}s bound (see $log)"; failed=1
else
  say "proptest: FINDING (exit $rc, see $log)"; grep -A15 'panicked\|minimal failing input' "$log" | head -40 | tee -a "$REPORT"; failed=1
fi
say "report: $REPORT"
exit $failed

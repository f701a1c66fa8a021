#!/usr/bin/env bash
# Reruns every measurement of issue 7 and prints the figures recorded in docs/PERFORMANCE.md
# and docs/RELIABILITY.md (whole-process and comparative figures; the criterion benches of
# the signer and taskparam crates too, unless BENCH_SKIP_CRITERION=1).
#
#   scripts/bench.sh                    # everything (about 10 minutes on 2 cores, after the build)
#   BENCH_QUICK=1 scripts/bench.sh      # shorter runs, for a smoke test
#
# Sets up its own Python venv under target/bench-venv with pinned packages
# (scripts/bench-requirements.txt: the official SDK's alibabacloud-tea-openapi and jsonschema).
# Results: stdout and target/bench/results.txt (JSON lines under headings).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bench"
RESULTS="$OUT/results.txt"
VENV="$ROOT/target/bench-venv"
REL="$ROOT/target/release"
mkdir -p "$OUT"
: >"$RESULTS"
say() { echo "$*" | tee -a "$RESULTS"; }
run() { "$@" 2>&1 | tee -a "$RESULTS"; }

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  SIGN_SECONDS=1; SIGN_N=200; RATIO_ROUNDS=5; TIME_RUNS=3; LAT_RUNS=3; LOAD_SECONDS=3; LOAD_TASKS=2000; PY_ITER=1; CRIT="--warm-up-time 1 --measurement-time 1"
else
  SIGN_SECONDS=3; SIGN_N=1000; RATIO_ROUNDS=40; TIME_RUNS=10; LAT_RUNS=20; LOAD_SECONDS=10; LOAD_TASKS=10000; PY_ITER=3; CRIT="--warm-up-time 1 --measurement-time 3"
fi

say "# scripts/bench.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/{print $2}') GiB, $(uname -sr)"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "toolchain: $(rustc --version)"

say "## build (release)"
cargo build --release -p dataworks-cli -p dataworks-bench 2>&1 | tail -1

say "## python venv ($VENV, scripts/bench-requirements.txt)"
stamp="$VENV/.requirements.sha256"
want="$(cat scripts/bench-requirements.txt tests/interop/requirements.txt | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/bench-requirements.txt
  echo "$want" >"$stamp"
fi
PY="$VENV/bin/python"
say "$("$PY" --version), jsonschema $("$PY" -c 'import importlib.metadata as m; print(m.version("jsonschema"))'), alibabacloud-tea-openapi $("$PY" -c 'import importlib.metadata as m; print(m.version("alibabacloud-tea-openapi"))')"

say "## signing: ours vs the official Python SDK on the same $SIGN_N requests (GenerateDISyncTaskConfigForUpdating, 2 KiB TaskParam), and the bare-HMAC floors"
run "$REL/sign-rate" --out "$OUT/sign-requests.json" --n "$SIGN_N" --seconds "$SIGN_SECONDS"
run "$PY" scripts/bench_sign.py "$OUT/sign-requests.json" "$SIGN_SECONDS"
say "signing against its floors, interleaved rounds (fastest and median round):"
run "$REL/sign-ratio" --rounds "$RATIO_ROUNDS"

say "## validation: a real-time TaskContent with 5,000 tables"
run "$REL/gen-taskcontent" --tables 5000 --out "$OUT/task-content-5000.json"
DOC="$OUT/task-content-5000.json"
SCHEMA="$ROOT/schemas/task-content.schema.json"
say "whole process, median of $TIME_RUNS runs:"
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "dwdi validate FILE" -- "$REL/dwdi" validate "$DOC"
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "parse-floor FILE (read + serde_json parse)" -- "$REL/parse-floor" "$DOC"
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "python jsonschema (schemas/task-content.schema.json)" -- "$PY" scripts/bench_validate.py "$SCHEMA" "$DOC"
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "python start-up + import jsonschema (nothing validated)" -- "$PY" -c "import jsonschema"
say "in process:"
run "$REL/parse-floor" "$DOC" --iterations 20
run "$PY" scripts/bench_validate.py "$SCHEMA" "$DOC" --iterations "$PY_ITER"

say "## validation: 1,000 batch job scripts in one call (every typed plugin's demo reader x writer)"
run "$REL/gen-batchjobs" --n 1000 --out "$OUT/batchjobs"
say "whole process, median of $TIME_RUNS runs:"
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "dwdi validate 1000 FILES" -- "$REL/dwdi" validate "$OUT"/batchjobs/*.json
run "$PY" scripts/timeit.py --runs "$TIME_RUNS" --label "parse-floor 1000 FILES (read + serde_json parse)" -- "$REL/parse-floor" "$OUT"/batchjobs/*.json

say "## workflow polling in virtual time (default PollPolicy), $LAT_RUNS runs per D"
run "$REL/workflow-latency" --runs "$LAT_RUNS"

say "## emulator: a dwdi emulator process on loopback, 64 concurrent clients, $LOAD_TASKS tasks"
run "$REL/emulator-load" --dwdi "$REL/dwdi" --clients 64 --seconds "$LOAD_SECONDS" --tasks "$LOAD_TASKS"
run "$REL/emulator-load" --dwdi "$REL/dwdi" --clients 64 --seconds "$LOAD_SECONDS" --tasks "$LOAD_TASKS" --memory

say "## reliability figures (release build of the tests)"
cargo test --release -p dataworks-di --test reliability_load --test reliability_crash --test reliability_memory -- --nocapture 2>&1 \
  | grep -E '^reliability_|^test result' | tee -a "$RESULTS"

if [[ "${BENCH_SKIP_CRITERION:-0}" != 1 ]]; then
  say "## criterion benches of the signer and taskparam crates ($CRIT)"
  # shellcheck disable=SC2086
  cargo bench -p dataworks-signer --bench signing -- $CRIT 2>&1 | grep -E -B1 'time:' | grep -v -E '^--$|change:|time: +\[[−+-]' | tee -a "$RESULTS" || true
  # shellcheck disable=SC2086
  cargo bench -p dataworks-taskparam --bench validate -- $CRIT 2>&1 | grep -E -B1 'time:' | grep -v -E '^--$|change:|time: +\[[−+-]' | tee -a "$RESULTS" || true
fi
say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "results: $RESULTS"

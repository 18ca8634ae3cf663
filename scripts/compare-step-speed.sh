#!/usr/bin/env bash
# Interleaved rounds of the bench workload on every system: PyTorch 2.13 compiled (and eager with --eager; and
# compiled with the launcher's MKL vendor shim preloaded where the launcher uses it), seer4j DJL and seer4j
# TensorFlow. Each round runs every system once, in an order that rotates from round to
# round, so a shared machine's drift hits all alike; each run is a fresh process whose JSON line (with the load
# average at its start) goes to OUT/results.jsonl; the end prints every round's images/s per system and the means,
# then each engine's speed over each compiled PyTorch run of the same round.
#
#   scripts/compare-step-speed.sh [--rounds N] [--steps S] [--warmup W] [--eager] [--out DIR]
#
# --warmup W untimed steps before the timed ones in every system (default 2): the engines reach their steady speed
# only after 10-20 steps (the JVM compiles their per-op code, glibc's arenas settle), so --warmup 12 measures what a
# training run sees.
#
# Needs the PyTorch 2.13 venv (scripts/setup-torch-venv.sh; VENV overrides /work/venv-torch213) and builds seer4j
# through ./seer4j. Takes the big-memory lock for the whole comparison (each process stays near 1 GB, but timing
# next to a big job is meaningless); NO_LOCK=1 skips it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3 steps=7 warmup=2 eager=0 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --eager) eager=1; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "compare-step-speed: unknown argument $1" >&2; exit 2 ;;
  esac
done
venv="${VENV:-/work/venv-torch213}"
[ -x "$venv/bin/python" ] || { echo "compare-step-speed: no PyTorch venv at $venv (run scripts/setup-torch-venv.sh)" >&2; exit 2; }
out="${out:-$(mktemp -d /tmp/seer4j-compare.XXXXXX)}"
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
if [ "${NO_LOCK:-0}" != 1 ] && [ -z "${SEER4J_COMPARE_LOCKED:-}" ]; then
  export SEER4J_COMPARE_LOCKED=1
  exec flock /tmp/seer4j-bigmem.lock "$0" --rounds "$rounds" --steps "$steps" --warmup "$warmup" --out "$out" $([ "$eager" = 1 ] && echo --eager)
fi
"$here/seer4j" --help >/dev/null  # build once, outside the timed runs

# Every system runs with the launcher's glibc settings: without them glibc hands PyTorch's freed activations back
# to the OS whenever a step's last tensor dies early (the reference drops each step's loss), and the next step
# faults them in again: compiled PyTorch then ran at 21-26 instead of 57-60 images/s, from process to process
# (docs/performance.md, "The reference's two speeds").
. "$here/scripts/glibc-env.sh"
systems=(torch-compile djl tensorflow)
[ "$eager" = 1 ] && systems+=(torch-eager)
# On AMD CPUs with AVX-512 the launcher preloads its MKL vendor shim into the engines (MKL's AVX-512 kernels instead
# of its generic ones); PyTorch then runs both as shipped and with the same shim, so both references are reported.
shim="$here/app/target/native/libseer4j_mkl_vendor_shim.so"
[ -f "$shim" ] && systems+=(torch-compile-shim)
reference() {  # mode: the PyTorch reference's JSON lines
  "$venv/bin/python" -W ignore "$here/scripts/bench_pytorch_reference.py" --mode "$1" --steps "$steps" --warmup "$warmup" --json
}
run() {  # system round
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  local line
  case "$1" in
    torch-compile) line=$(reference compile 2>"$out/$1-$2.err" | tail -1) ;;
    torch-compile-shim) line=$(LD_PRELOAD="$shim" reference compile 2>"$out/$1-$2.err" | tail -1) ;;
    torch-eager) line=$(reference eager 2>"$out/$1-$2.err" | tail -1) ;;
    djl|tensorflow) line=$("$here/seer4j" bench --backend "$1" --steps "$steps" --warmup "$warmup" --json 2>"$out/$1-$2.err" | tail -1) ;;
  esac
  echo "{\"system\": \"$1\", \"round\": $2, \"load_average\": $load, \"result\": ${line:-null}}" >> "$results"
  echo "round $2 $1: $(echo "${line:-null}" | "$venv/bin/python" -c 'import json,sys; r=json.load(sys.stdin); print("%.2f images/s" % r["images_per_s"] if r else "failed")') (load $load)" >&2
}
n=${#systems[@]}
for r in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((n - 1))); do
    run "${systems[$(((i + r - 1) % n))]}" "$r"
  done
done
"$venv/bin/python" - "$results" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r["system"], []).append(r)
print("| system | images/s per round (load average at start) | mean | peak RSS MB (min-max) |")
print("|---|---|---|---|")
for s, rs in by.items():
    ok = [r for r in rs if r["result"]]
    ips = [r["result"]["images_per_s"] for r in ok]
    cells = ", ".join("%.1f (%.1f)" % (r["result"]["images_per_s"], r["load_average"]) if r["result"] else "failed"
                      for r in rs)
    rss = [r["result"]["peak_rss_mb"] for r in ok]
    print("| %s | %s | %s | %s |" % (s, cells, "%.1f" % statistics.mean(ips) if ips else "-",
                                     "%.0f-%.0f" % (min(rss), max(rss)) if rss else "-"))
# each engine against each PyTorch reference run of the same round: a shared machine's drift cancels there
speed = {(r["system"], r["round"]): r["result"]["images_per_s"] for r in rows if r["result"]}
rounds = sorted({r["round"] for r in rows})
for ref in [s for s in by if s.startswith("torch-compile")]:
    print()
    print("| against %s | %s | mean |" % (ref, " | ".join("round %d" % k for k in rounds)))
    print("|---|%s---|" % ("---|" * len(rounds)))
    for s in [s for s in by if not s.startswith("torch")]:
        ratios = [speed[(s, k)] / speed[(ref, k)] if (s, k) in speed and (ref, k) in speed else None for k in rounds]
        got = [x for x in ratios if x is not None]
        print("| %s | %s | %s |" % (s, " | ".join("%.2fx" % x if x is not None else "-" for x in ratios),
                                    "%.2fx" % statistics.mean(got) if got else "-"))
EOF
echo "compare-step-speed: results in $results" >&2

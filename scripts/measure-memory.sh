#!/usr/bin/env bash
# Measures a training run's peak memory and step time next to the memory planner's estimate (docs/scale.md).
#   scripts/measure-memory.sh CONFIG [--set key=value ...]
# Runs `seer4j pretrain` on CONFIG (plus overrides) in a fresh temporary run folder under /usr/bin/time -v, then
# prints one JSON line: the plan's peak, the measured peak RSS (the kernel's maximum resident set of the JVM,
# Java heap and engine memory alike), their ratio, the wall time and the mean step time of the run's last
# logged steps (train.log_every: 1 logs every step). Big runs take 12-24 GB: on a shared machine run them one at a
# time, e.g. under `flock /tmp/seer4j-bigmem.lock`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 CONFIG [--set key=value ...]" >&2; exit 2; }
config="$1"; shift
out="$(mktemp -d "${TMPDIR:-/tmp}/seer4j-measure.XXXXXX")"
trap 'rm -rf "$out"' EXIT
plan="$("$here/seer4j" plan --config "$config" "$@" --json)"
set +e
/usr/bin/time -v -o "$out/time.txt" "$here/seer4j" pretrain --config "$config" "$@" --set output.report=false \
  --out "$out/run" --ignore-memory-plan > "$out/stdout.txt" 2> "$out/stderr.txt"
rc=$?
set -e
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/time.txt")
python3 - "$plan" "$rss_kb" "$wall" "$rc" "$out/run/metrics.jsonl" "$config" "$*" "$out/stderr.txt" <<'PY'
import json, sys
plan, rss_kb, wall, rc, metrics, config, overrides, stderr = sys.argv[1:]
p = json.loads(plan)
parts = [float(x) for x in wall.split(':')]
seconds = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
steps = []
try:
    for line in open(metrics):
        r = json.loads(line)
        steps.append(r)
except OSError:
    pass
rss = int(rss_kb) * 1024
rec = {"config": config, "overrides": overrides, "engine": p["engine"], "exit_code": int(rc),
       "plan_peak_bytes": p["peak_bytes"], "peak_rss_bytes": rss,
       "plan_over_measured": round(p["peak_bytes"] / rss, 3),
       "peak_rss_gib": round(rss / 2**30, 2), "plan_peak_gib": round(p["peak_bytes"] / 2**30, 2),
       "wall_s": round(seconds, 1)}
rates = [r.get("images_per_second") or r.get("images_per_s") for r in steps]
rates = [x for x in rates if x]
if rates:
    rec["images_per_s_last"] = rates[-1]
    rec["step_s_last"] = round(p["batch_per_worker"] / rates[-1], 2)
print(json.dumps(rec))
if int(rc) != 0:
    sys.stderr.write("pretrain failed (exit %s):\n" % rc + open(stderr).read()[-2000:])
PY

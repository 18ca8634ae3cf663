#!/usr/bin/env bash
# Times seer4j's data pipeline and torchvision + PIL on the same folder of JPEGs, one after the other, in
# interleaved rounds (the machine's other load then hits both alike). Prints one JSON line per run; each run
# reports wall-clock images/s and images per CPU-second of its own process (the per-core rate that a busy
# machine disturbs least). Run it under the big-memory lock on a shared machine:
#
#     scripts/make-photo-corpus.sh /tmp/photos
#     flock /tmp/seer4j-bigmem.lock scripts/compare-data-pipelines.sh /tmp/photos [ROUNDS=3] [WORKERS=1]
#
# WORKERS is seer4j's --workers; torchvision gets WORKERS-1 DataLoader workers when WORKERS > 1 (0 = in the
# main process, which is one core). Needs Debian's python3-torchvision (and libopenblas0-pthread).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: $0 DIR [ROUNDS] [WORKERS]}"
rounds="${2:-3}"
workers="${3:-1}"
images="${IMAGES:-320}"
tv_workers=$(( workers > 1 ? workers : 0 ))
for r in $(seq 1 "$rounds"); do
  echo "# round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  SEER4J_JAVA_OPTS="-Xmx3g" "${SEER4J:-$here/seer4j}" bench-data --data "$dir" --workers "$workers" --images "$images" --json
  OMP_NUM_THREADS=1 /usr/bin/python3 "$here/scripts/bench_data_torchvision.py" "$dir" --images "$images" \
    --workers "$tv_workers" --json
done

#!/usr/bin/env bash
# Writes a corpus of real-photo-sized JPEGs for `seer4j bench-data` and scripts/bench_data_torchvision.py.
#
# Sources: the photographs and renders of Debian's mate-backgrounds and gnome-backgrounds packages (JPEG, PNG and
# WebP wallpapers of 1280x1024 to 5640x3172; SVGs and the 256x256 VNC tiles are left out). Each output file is a
# random crop (aspect ratio 4:3, 3:2, 16:10, 16:9 or their portrait forms, covering 50-100% of the source's
# shorter side) resized to a shorter side uniform in 480-1080 px, saved as JPEG with quality uniform in 70-95,
# progressive with probability 0.3. Seeded: the same packages give the same files.
#
#     apt-get install mate-backgrounds gnome-backgrounds python3-pil
#     scripts/make-photo-corpus.sh OUT_DIR [COUNT=368]
set -euo pipefail
out="${1:?usage: $0 OUT_DIR [COUNT]}"
count="${2:-368}"
for d in /usr/share/backgrounds/mate /usr/share/backgrounds/gnome; do
  [ -d "$d" ] || { echo "missing $d: apt-get install mate-backgrounds gnome-backgrounds" >&2; exit 2; }
done
mkdir -p "$out"
/usr/bin/python3 - "$out" "$count" <<'EOF'
import os
import random
import sys

from PIL import Image

out, count = sys.argv[1], int(sys.argv[2])
sources = []
for root in ("/usr/share/backgrounds/mate", "/usr/share/backgrounds/gnome"):
    for r, _, fs in os.walk(root):
        for f in fs:
            if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")):
                p = os.path.join(r, f)
                with Image.open(p) as im:
                    if min(im.size) >= 1000:
                        sources.append(p)
sources.sort()
rng = random.Random(20261130)
aspects = [4 / 3, 3 / 2, 16 / 10, 16 / 9]
for i in range(count):
    src = sources[i % len(sources)]
    with Image.open(src) as im:
        im = im.convert("RGB")
    w, h = im.size
    a = rng.choice(aspects)
    if rng.random() < 0.2:
        a = 1 / a  # portrait
    side = min(w, h) * rng.uniform(0.5, 1.0)  # shorter side of the cut
    cw, ch = (side * a, side) if a >= 1 else (side, side / a)
    scale = min(1.0, w / cw, h / ch)
    cw, ch = int(cw * scale), int(ch * scale)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    cut = im.crop((x, y, x + cw, y + ch))
    short = rng.randint(480, 1080)
    f = short / min(cw, ch)
    cut = cut.resize((max(1, round(cw * f)), max(1, round(ch * f))), Image.LANCZOS)
    quality = rng.randint(70, 95)
    progressive = rng.random() < 0.3
    cut.save(os.path.join(out, "photo%04d.jpg" % i), quality=quality, progressive=progressive, optimize=progressive)
print("wrote", count, "JPEGs from", len(sources), "wallpapers to", out)
EOF

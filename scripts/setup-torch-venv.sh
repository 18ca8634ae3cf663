#!/usr/bin/env bash
# Makes the PyTorch 2.13 CPU venv the performance comparisons use (default /work/venv-torch213), offline: torch
# from the image's local wheel folder and index (pip's configured find-links / file:// indexes), torchvision 0.14's
# Python model code copied from Debian's python3-torchvision with its compiled extensions left out (they are built
# for Debian's torch 1.13), numpy < 2 for its transforms.
#   scripts/setup-torch-venv.sh [VENV_DIR]
set -euo pipefail
venv="${1:-/work/venv-torch213}"
debian_tv=/usr/lib/python3/dist-packages/torchvision
[ -d "$debian_tv" ] || { echo "setup-torch-venv: Debian's python3-torchvision is not installed ($debian_tv)" >&2; exit 2; }
python3 -m venv "$venv"
"$venv/bin/pip" install -q "torch==2.13.0+cpu" "numpy<2" pillow requests
site="$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
rm -rf "$site/torchvision"
cp -r "$debian_tv" "$site/"
find "$site/torchvision" -name '*.so' -delete
# the ONNX op registration needs the compiled extension
sed -i 's/^_register_custom_op()/# _register_custom_op()  (left out: no compiled extensions in this venv)/' \
  "$site/torchvision/ops/__init__.py"
"$venv/bin/python" -W ignore -c 'import torch, torchvision; torchvision.models.regnet_y_400mf(); print("torch", torch.__version__, "ready")'

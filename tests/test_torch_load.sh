#!/usr/bin/env bash
# test_torch_load.sh: aetui's checkpoints load into the PyTorch modules of the README with
# load_state_dict(strict=True), and PyTorch's reconstructions and latent vectors of a batch
# match aetui's (`aetui reconstruct`, `aetui encode`) within 1e-4, for every preset.
#
# Needs /usr/bin/python3 with torch and numpy (Debian: python3-torch); skips (77) with a
# message otherwise. The image presets need CIFAR-10 / Fashion-MNIST under $AETUI_SHARED_DATA
# (or the usual places); each preset whose data is missing is skipped, lstm always runs (sines).
set -u
BIN=${AETUI_BIN:?AETUI_BIN not set}
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
    echo "SKIP: PyTorch is not installed for $PY (apt-get install python3-torch)"
    exit 77
fi
T=${AETUI_TEST_TMP:-/tmp}/torch_load.$$
rm -rf "$T" && mkdir -p "$T" || exit 1
trap 'rm -rf "$T"' EXIT
DB=$T/s/aetui.db
mkdir -p "$T/s"
SHARED=${AETUI_SHARED_DATA:-}
fails=0 passes=0

# The PyTorch modules, as the README shows them, and the comparison.
cat >"$T/check.py" <<'EOF'
import json, struct, sys
import numpy as np
import torch
from torch import nn

def load_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = buf[8 + n:]
    sd = {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]],
                                            dtype="<f4").reshape(v["shape"]).copy())
          for k, v in header.items()}
    return sd, meta

class CNNEncoder(nn.Module):
    def __init__(self, c, latent, deep, flat, h, w):
        super().__init__()
        chans = [c, 32, 64, 128] + ([128] if deep else [])
        for i in range(len(chans) - 1):
            setattr(self, f"conv{i + 1}", nn.Conv2d(chans[i], chans[i + 1], 3, padding=1))
        self.n, self.flat = len(chans) - 1, flat
        self.fc = nn.Linear(128 * h * w if flat else 128, latent)
    def forward(self, x):
        for i in range(self.n):
            x = torch.relu(getattr(self, f"conv{i + 1}")(x))
            if i < self.n - 1:
                x = nn.functional.max_pool2d(x, 2)
        x = x.flatten(1) if self.flat else x.mean((2, 3))
        return self.fc(x)

class CNNDecoder(nn.Module):
    def __init__(self, c, latent, deep, h, w):
        super().__init__()
        self.fc = nn.Linear(latent, 128 * h * w)
        self.unflatten = nn.Unflatten(1, (128, h, w))
        chans = [128, 128, 128, 64, 32, c] if deep else [128, 128, 64, c]
        for i in range(len(chans) - 1):
            setattr(self, f"deconv{i + 1}",
                    nn.ConvTranspose2d(chans[i], chans[i + 1], 3, padding=1))
        self.n, self.ups = len(chans) - 1, (3 if deep else 2)
    def forward(self, z):
        x = self.unflatten(torch.relu(self.fc(z)))
        for i in range(self.n):
            x = getattr(self, f"deconv{i + 1}")(x)
            if i == self.n - 1:
                return torch.sigmoid(x)
            x = torch.relu(x)
            if i < self.ups:
                x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")

class CNNAutoencoder(nn.Module):
    """model: cnn, cnn-flat or cnn-deep; input N x C x H x W in [0, 1]."""
    def __init__(self, model, h, w, c, latent):
        super().__init__()
        deep, flat = model == "cnn-deep", model != "cnn"
        s = 8 if deep else 4
        self.encoder = CNNEncoder(c, latent, deep, flat, h // s, w // s)
        self.decoder = CNNDecoder(c, latent, deep, h // s, w // s)
    def forward(self, x):
        return self.decoder(self.encoder(x))

class LSTMEncoder(nn.Module):
    def __init__(self, f, latent):
        super().__init__()
        self.lstm1 = nn.LSTM(f, 64, batch_first=True)
        self.lstm2 = nn.LSTM(64, 32, batch_first=True)
        self.fc = nn.Linear(32, latent)
    def forward(self, x):  # aetui centres the [0,1] values on 0.5
        return self.fc(self.lstm2(self.lstm1(x - 0.5)[0])[0][:, -1])

class LSTMDecoder(nn.Module):
    def __init__(self, t, f, latent):
        super().__init__()
        self.t = t
        self.lstm1 = nn.LSTM(latent, 32, batch_first=True)
        self.lstm2 = nn.LSTM(32, 64, batch_first=True)
        self.fc = nn.Linear(64, f)
    def forward(self, z):
        r = z.unsqueeze(1).repeat(1, self.t, 1)
        return self.fc(self.lstm2(self.lstm1(r)[0])[0]) + 0.5

class LSTMAutoencoder(nn.Module):
    """input N x T x F."""
    def __init__(self, t, f, latent):
        super().__init__()
        self.encoder = LSTMEncoder(f, latent)
        self.decoder = LSTMDecoder(t, f, latent)
    def forward(self, x):
        return self.decoder(self.encoder(x))

ckpt, xfile, yfile, zfile = sys.argv[1:5]
sd, meta = load_safetensors(ckpt)
shape, latent = json.loads(meta["input_shape"]), int(meta["latent"])
if meta["model"] == "lstm":
    m = LSTMAutoencoder(shape[0], shape[1], latent)
else:
    m = CNNAutoencoder(meta["model"], shape[0], shape[1], shape[2], latent)
m.load_state_dict(sd, strict=True)
m.eval()
x = np.load(xfile)
if x.dtype == np.uint8:
    x = x.astype(np.float32) / 255
x = torch.from_numpy(x)
if meta["model"] != "lstm":
    x = x.permute(0, 3, 1, 2)  # NHWC -> NCHW
with torch.no_grad():
    z = m.encoder(x)
    y = m.decoder(z)
if meta["model"] != "lstm":
    y = y.permute(0, 2, 3, 1)
ya, za = torch.from_numpy(np.load(yfile)), torch.from_numpy(np.load(zfile))
dy, dz = (y - ya).abs().max().item(), (z - za).abs().max().item()
print(f"{meta['model']}: max |y_torch - y_aetui| = {dy:.3g}, max |z_torch - z_aetui| = {dz:.3g}")
sys.exit(0 if dy <= 1e-4 and dz <= 1e-4 else 1)
EOF

# check MODEL TRAIN-ARGS...: trains a tiny run, then compares PyTorch with aetui on its test set.
run=0 skips=0
check() {
    local model=$1
    shift
    if ! "$BIN" train --model "$model" --epochs 1 --threads 1 --db "$DB" "$@" \
        >"$T/train.out" 2>"$T/train.err"; then
        if grep -q "no image dataset\|not found\|cannot open\|No such file" "$T/train.err"; then
            skips=$((skips + 1))
            echo "SKIP $model: no data ($(head -c 200 "$T/train.err"))"
            return
        fi
        fails=$((fails + 1))
        echo "FAIL: training $model: $(head -c 300 "$T/train.err")"
        return
    fi
    run=$((run + 1))
    local X=$T/x$run.npy Y=$T/y$run.npy Z=$T/z$run.npy
    if "$BIN" export $run --data test --out "$X" --db "$DB" 2>"$T/err" &&
        "$BIN" reconstruct $run --input "$X" --out "$Y" --db "$DB" 2>>"$T/err" &&
        "$BIN" encode $run --input "$X" --out "$Z" --db "$DB" 2>>"$T/err" &&
        "$PY" "$T/check.py" "$T/s/aetui.runs/$run/last.safetensors" "$X" "$Y" "$Z"; then
        passes=$((passes + 1))
    else
        fails=$((fails + 1))
        echo "FAIL: $model: $(head -c 300 "$T/err")"
    fi
}

check lstm --train 64 --test 16
CIFAR=() FASHION=()
[ -n "$SHARED" ] && [ -d "$SHARED/cifar-10-batches-bin" ] && CIFAR=(--data-dir "$SHARED/cifar-10-batches-bin")
[ -n "$SHARED" ] && [ -d "$SHARED/fashion-mnist" ] && FASHION=(--data-dir "$SHARED/fashion-mnist")
check cnn --dataset cifar10 "${CIFAR[@]}" --train 32 --test 8
check cnn-flat --dataset fashion-mnist "${FASHION[@]}" --train 32 --test 8
check cnn-deep --dataset cifar10 "${CIFAR[@]}" --train 32 --test 8

echo "$passes passed, $fails failed, $skips models skipped"
[ "$fails" = 0 ] || exit 1
[ "$skips" = 0 ] || exit 77 # ctest: "Skipped", not a silent pass

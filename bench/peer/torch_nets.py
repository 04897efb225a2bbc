"""PyTorch side of nasgc's peer comparison (bench/peer/run.sh).

Trains one of the three networks of the runtime measurements (the small
CNN of §3, two NAS-Bench-201-size networks of §4) on synthetic
MNIST-shaped data, with the same recipe as the nasgc programs: batch 64,
SGD lr 0.05 momentum 0.9, mean cross-entropy, float32, a fixed number of
steps, then one evaluation pass over the test images. Prints one JSON line:
images per second over the training steps, training seconds, parameters.

Run it with Debian's interpreter, /usr/bin/python3, which sees the
python3-torch package:

    /usr/bin/python3 bench/peer/torch_nets.py --net cnn --steps 100 --threads 2
"""

import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.stderr.write(
        "torch_nets.py: PyTorch is missing. Install Debian's package, then run with /usr/bin/python3:\n"
        "    sudo apt-get install python3-torch\n")
    sys.exit(3)


def he_init(model):
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")


class SmallCNN(nn.Module):
    """The network of runtime-measurements §3 (28,986 parameters)."""

    def __init__(self):
        super().__init__()

        def cbn(i, o, k, s=1):
            return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o))

        self.stem = cbn(1, 16, 3)
        self.b1a, self.b1b = cbn(16, 16, 3), cbn(16, 16, 3)
        self.b2a, self.b2b = cbn(16, 32, 3, 2), cbn(32, 32, 3)
        self.short = cbn(16, 32, 1, 2)
        self.last = cbn(32, 32, 3)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = F.relu(self.b1b(F.relu(self.b1a(x))) + x)
        x = F.relu(self.b2b(F.relu(self.b2a(x))) + self.short(x))
        x = F.relu(self.last(x))
        return self.fc(x.mean((2, 3)))


class ReLUConvBN(nn.Sequential):
    def __init__(self, i, o, k, s=1):
        super().__init__(nn.ReLU(), nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o))


class ResBlock(nn.Module):
    """NAS-Bench-201's ResNetBasicblock with stride 2."""

    def __init__(self, i, o):
        super().__init__()
        self.a = ReLUConvBN(i, o, 3, 2)
        self.b = ReLUConvBN(o, o, 3)
        self.short = nn.Sequential(nn.AvgPool2d(2, 2, ceil_mode=True), nn.Conv2d(i, o, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.short(x)


# A cell's six edges, in the order of nasgc's Cell(a, b, c, d, e, f):
# n1 = a(in); n2 = b(in) + c(n1); out = d(in) + e(n1) + f(n2).
CELLS = {
    "mixed": ["conv1x1", "avg_pool", "id", "conv3x3", "zero", "conv1x1"],
    "best": ["conv3x3", "conv3x3", "conv3x3", "id", "conv3x3", "conv3x3"],
}


def edge(op, c):
    if op == "conv3x3":
        return ReLUConvBN(c, c, 3)
    if op == "conv1x1":
        return ReLUConvBN(c, c, 1)
    if op == "avg_pool":
        return nn.AvgPool2d(3, 1, 1, count_include_pad=False)
    if op == "id":
        return nn.Identity()
    return None  # zero: the edge is absent


class Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = ops
        self.edges = nn.ModuleList([edge(op, c) or nn.Identity() for op in ops])

    def forward(self, x):
        e = [None if op == "zero" else m for op, m in zip(self.ops, self.edges)]

        def add(*terms):
            terms = [f(v) for f, v in terms if f is not None]
            out = terms[0]
            for t in terms[1:]:
                out = out + t
            return out

        n1 = add((e[0], x))
        n2 = add((e[1], x), (e[2], n1))
        return add((e[3], x), (e[4], n1), (e[5], n2))


class NB201(nn.Module):
    """runtime-measurements §4: 3 stages of 5 cells (16/32/64 channels)."""

    def __init__(self, ops):
        super().__init__()
        layers = [nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)]
        c = 16
        for stage in range(3):
            layers += [Cell(ops, c) for _ in range(5)]
            if stage < 2:
                layers.append(ResBlock(c, 2 * c))
                c *= 2
        layers += [nn.BatchNorm2d(c), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(c, 10)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


def build(name):
    if name == "cnn":
        return SmallCNN()
    return NB201(CELLS[name])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--net", choices=["cnn", "mixed", "best"], required=True)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train", type=int, default=2048, help="synthetic training images")
    ap.add_argument("--test", type=int, default=64, help="synthetic test images")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = build(a.net)
    he_init(model)
    params = sum(p.numel() for p in model.parameters())
    # Synthetic MNIST-shaped data, float32, as nasgc's synthetic dataset.
    g = torch.Generator().manual_seed(a.seed)
    xs = torch.randn(a.train, 1, 28, 28, generator=g)
    ys = torch.randint(0, 10, (a.train,), generator=g)
    xt = torch.randn(a.test, 1, 28, 28, generator=g)
    yt = torch.randint(0, 10, (a.test,), generator=g)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    model.train()
    perm = torch.randperm(a.train, generator=g)
    pos = 0
    t0 = time.perf_counter()
    loss = None
    for _ in range(a.steps):
        if pos + a.batch > a.train:
            perm, pos = torch.randperm(a.train, generator=g), 0
        idx = perm[pos:pos + a.batch]
        pos += a.batch
        x, y = xs.index_select(0, idx), ys.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    train_s = time.perf_counter() - t0
    last = loss.item()

    model.eval()
    correct = 0
    with torch.no_grad():
        for lo in range(0, a.test, 100):
            correct += (model(xt[lo:lo + 100]).argmax(1) == yt[lo:lo + 100]).sum().item()
    if not math.isfinite(last):
        sys.stderr.write("torch_nets.py: the loss is not finite\n")
        sys.exit(1)
    print(json.dumps({"net": a.net, "params": params, "steps": a.steps, "batch": a.batch,
                      "threads": torch.get_num_threads(), "train_seconds": train_s,
                      "images_per_sec": a.steps * a.batch / train_s, "train_loss": last,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()

"""Prints the peer comparison table from bench/peer/run.sh's results (one
JSON object per line: side, net, rep, images_per_sec, params, rss_kb):
medians over the repetitions, and the ratios nasgc/PyTorch."""

import json
import statistics
import sys

NAMES = {
    "cnn": "small CNN (§3)",
    "mixed": "NB201-size, mixed cell (§4)",
    "best": "NB201-size, best cell (§4)",
}


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    nets = []
    for r in rows:
        if r["net"] not in nets:
            nets.append(r["net"])
    print("| network | params | nasgc img/s | PyTorch img/s | img/s ratio nasgc/PyTorch | nasgc peak RSS | PyTorch peak RSS | RSS ratio nasgc/PyTorch | reps |")
    print("|---|---|---|---|---|---|---|---|---|")
    for net in nets:
        side = {}
        for s in ("nasgc", "pytorch"):
            rs = [r for r in rows if r["net"] == net and r["side"] == s]
            side[s] = (statistics.median(r["images_per_sec"] for r in rs),
                       statistics.median(r["rss_kb"] for r in rs) / 1024,
                       rs[0]["params"], len(rs),
                       [round(r["images_per_sec"], 1) for r in rs])
        n, p = side["nasgc"], side["pytorch"]
        params = f"{n[2]:,}" if n[2] == p[2] else f"{n[2]:,} / {p[2]:,} (differ!)"
        print(f"| {NAMES.get(net, net)} | {params} | {n[0]:.1f} | {p[0]:.1f} | **{n[0] / p[0]:.2f}** "
              f"| {n[1]:.0f} MB | {p[1]:.0f} MB | **{n[1] / p[1]:.2f}** | {min(n[3], p[3])} |")
    print()
    print("Each repetition (img/s):")
    for net in nets:
        for s in ("nasgc", "pytorch"):
            rs = [round(r["images_per_sec"], 1) for r in rows if r["net"] == net and r["side"] == s]
            print(f"  {net:6s} {s:8s} {rs}")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Turns blas_choice's TSV lines into one Markdown table per thread count (GFLOP/s, median).

The best column of each row is in bold; the last column is the largest spread (max-min)/median
seen on that row, a measure of how noisy the shared machine was."""
import sys
from collections import OrderedDict

rows = OrderedDict()  # (threads, shape) -> {column: (gflops, spread)}
columns = {1: [], 2: []}
for line in open(sys.argv[1]):
    backend, mode, threads, shape, m, n, k, gf, spread, best = line.rstrip("\n").split("\t")
    threads = int(threads)
    col = backend if mode == "lib" else backend + " split"
    if col not in columns[threads]:
        columns[threads].append(col)
    key = (threads, f"{shape} ({m}x{n}x{k})")
    rows.setdefault(key, {})[col] = (float(gf), float(spread))

for threads in (1, 2):
    cols = columns[threads]
    if not cols:
        continue
    print(f"\n### {threads} thread{'s' if threads > 1 else ''} (GFLOP/s)\n")
    print("| shape (MxNxK) | " + " | ".join(cols) + " | max spread |")
    print("|---" * (len(cols) + 2) + "|")
    for (t, shape), vals in rows.items():
        if t != threads:
            continue
        best = max(v[0] for v in vals.values())
        cells = []
        for c in cols:
            if c not in vals:
                cells.append("")
                continue
            g = vals[c][0]
            cells.append(f"**{g:.1f}**" if g == best else f"{g:.1f}")
        spread = max(v[1] for v in vals.values())
        print(f"| {shape} | " + " | ".join(cells) + f" | {spread:.0%} |")

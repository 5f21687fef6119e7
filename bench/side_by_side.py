"""The interleaved recur-vs-PyTorch loop and table of bench/token_jobs, for the driver scripts
that time one model's jobs side by side (bench/seq2seq).

bench/token_jobs has the environment (thread_env), the process runner (run_json) and the CPU
name (cpu_model); this module loads it (it has no .py suffix) and adds the part every driver
repeats: for each run, thread count and job, both sides once each in a fresh process, in an
order that alternates from run to run; then one markdown table of the medians over runs, by
wall and by CPU time, with the ratio recur / PyTorch beside the target.
"""
import importlib.machinery
import importlib.util
import json
import os
import statistics
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
TORCH_PYTHON = "/usr/bin/python3"


def token_jobs():
    """bench/token_jobs as a module, for its driver helpers."""
    path = os.path.join(BENCH, "token_jobs")
    loader = importlib.machinery.SourceFileLoader("token_jobs", path)
    spec = importlib.util.spec_from_loader("token_jobs", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def interleave(exe, script, jobs, threads, runs, flags_of, units):
    """{(job, threads, side): [result or None per run]} and the 1-minute load averages seen.

    flags_of(job, n) gives the flags both sides get; the PyTorch side runs `script
    --torch-worker` under Debian's python."""
    tj = token_jobs()
    results, loads = {}, [os.getloadavg()[0]]
    for r in range(runs):
        for n in threads:
            for job in jobs:
                flags = flags_of(job, n)
                sides = [("recur", [exe] + flags),
                         ("torch", [TORCH_PYTHON, script, "--torch-worker"] + flags)]
                if r % 2:
                    sides.reverse()
                for side, cmd in sides:
                    loads.append(os.getloadavg()[0])
                    out = tj.run_json(cmd, tj.thread_env(n))
                    results.setdefault((job, n, side), []).append(out)
                    shown = "failed" if out is None else f"{out['units_per_s']:,.1f}"
                    print(f"# run {r + 1}/{runs} {job} {n}t {side}: {shown} {units[job]}",
                          file=sys.stderr, flush=True)
    return results, loads


def print_table(results, loads, jobs, threads, runs, started, units, targets):
    tj = token_jobs()
    print(f"CPU: {tj.cpu_model()} ({os.cpu_count()} CPUs); {started} to "
          f"{time.strftime('%H:%M')}; {runs} run(s); 1-minute load average "
          f"{min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f})\n")
    print("| job | threads | unit | recur | PyTorch | ratio | target | met | recur by CPU time "
          "| PyTorch by CPU time | ratio by CPU time |")
    print("|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|")
    fmt = lambda v: "–" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")
    for job in jobs:
        for n in threads:
            cells = []
            for key in ("units_per_s", "cpu_units_per_s"):
                med = {}
                for side in ("recur", "torch"):
                    vals = [x[key] for x in results.get((job, n, side), []) if x]
                    med[side] = statistics.median(vals) if vals else None
                ratio = med["recur"] / med["torch"] if med["recur"] and med["torch"] else None
                cells += [fmt(med["recur"]), fmt(med["torch"]),
                          "–" if ratio is None else f"{ratio:.2f}x"]
                if key == "units_per_s":
                    cells += [f">= {targets[job]:g}x",
                              "–" if ratio is None else ("yes" if ratio >= targets[job] else "no")]
            print(f"| {job} | {n} | {units[job]} | " + " | ".join(cells) + " |")


def write_json(path, results):
    with open(path, "w") as f:
        json.dump([{"job": j, "threads": n, "side": s, "runs": v}
                   for (j, n, s), v in results.items()], f, indent=1)

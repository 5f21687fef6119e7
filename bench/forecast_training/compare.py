#!/usr/bin/env python3
"""Times the tutorial's StockForecaster training in PyTorch and in recur, side by side.

    bench/forecast_training/compare.py --example build/examples/example_stock_forecaster
    bench/forecast_training/compare.py --example ... --quick        (10 epochs, while developing)

Builds nothing: --example is the built examples/stock_forecaster.cpp. For each core count n
(default 1 and 2) it runs the PyTorch script (tutorial_pytorch.py, with Debian's /usr/bin/python3)
and the recur example N times (default 3) in each setting they can use n cores in, interleaved
and alternating the order, so that a change in the machine's load hits all alike, and compares
each framework's FASTEST setting (named in the table): one wait policy imposed on both hobbles
one of them (PyTorch 1.13 with OpenMP's spinning workers fights its own OpenBLAS pool; with
PASSIVE it wakes its workers at every op). The settings for n > 1 are bench/thread_settings.py's:
PyTorch 1 thread, n threads PASSIVE, n threads with OMP_WAIT_POLICY unset; recur 1 thread, n
threads PASSIVE, n threads ACTIVE. Each gets OMP_NUM_THREADS = OPENBLAS_NUM_THREADS =
<threads>; PyTorch also torch.set_num_threads, recur --threads.

Prints a Markdown table. "seconds" is what each program measures itself: from building the model
to the end of the last epoch, data preparation included (`import torch` and process start-up
are not); "CPU s" is the process's user + system time (import included for PyTorch), which
suffers less than wall time when other jobs share the cores. The losses show that both trained:
the MSE over all windows of the model before training (rebuilt from the same seed) and after.
The two draw different random prices and initial weights (numpy's and recur's generators), so
the losses agree in range, not exactly; each series' variance is printed beside them (on the
tutorial's raw prices most of the loss is the distance of the price level, ~100, from the
model's initial output near 0, which 100 epochs at lr 1e-3 only partly close).
Standard library only.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import thread_settings  # noqa: E402
from side_by_side import cpu_model  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--example", required=True, help="path of the built example_stock_forecaster")
    p.add_argument("--runs", type=int, default=3, help="runs of each program per thread count")
    p.add_argument("--threads", default="1,2", help="comma-separated core counts")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--quick", action="store_true", help="10 epochs (overrides --epochs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--normalize", action="store_true",
                   help="z-score the prices in both (the tutorial's code does not)")
    p.add_argument("--python", default="/usr/bin/python3", help="a Python that has torch")
    p.add_argument("--recur-env", action="append", default=[], metavar="NAME=VALUE",
                   help="extra environment for the recur runs only (for what-if experiments)")
    p.add_argument("--raw", help="also write every run's JSON here, one per line")
    args = p.parse_args()
    if args.quick:
        args.epochs = 10
    return args


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_once(cmd, env):
    """Runs one program; returns its JSON line plus the CPU time the process used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        sys.exit(f"no JSON line from: {' '.join(cmd)}\n{proc.stdout}")
    result = json.loads(lines[-1])
    result["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["load"] = load_average()
    return result


def settings(impl, cores):
    """(label, setting) of each way `impl` can use `cores` (bench/thread_settings.py)."""
    kind = "torch" if impl == "pytorch" else "recur"
    return [(thread_settings.label(s), s) for s in thread_settings.candidates(kind, cores)]


def command(args, impl, setting):
    common = ["--epochs", str(args.epochs), "--seed", str(args.seed), "--threads",
              str(setting[0]), "--json"] + (["--normalize"] if args.normalize else [])
    env = thread_settings.env(setting)
    if impl == "pytorch":
        return [args.python, os.path.join(HERE, "tutorial_pytorch.py")] + common, env
    env.update(dict(kv.split("=", 1) for kv in args.recur_env))
    return [os.path.abspath(args.example)] + common, env


def losses(result):
    """MSE over all windows before and after training (and the series' own variance)."""
    return (f"{result['untrained_mse']:.4g} → {result['train_mse']:.4g} "
            f"(var {result['price_std'] ** 2:.4g})")


def median(results, key):
    return statistics.median(r[key] for r in results)


def fastest(candidates, impl):
    """The (label, results) of impl's setting with the lowest median seconds."""
    mine = [(label, res) for (i, label), res in candidates.items() if i == impl]
    return min(mine, key=lambda c: median(c[1], "seconds"))


def main():
    args = parse_args()
    core_counts = [int(t) for t in args.threads.split(",")]
    load_before = load_average()
    rows = []
    raw = open(args.raw, "w") if args.raw else None
    for cores in core_counts:
        runs = [(impl, label, *command(args, impl, setting))
                for impl in ("pytorch", "recur")
                for label, setting in settings(impl, cores)]
        candidates = {(impl, label): [] for impl, label, _, _ in runs}
        for i in range(args.runs):
            for impl, label, cmd, env in (runs if i % 2 == 0 else list(reversed(runs))):
                r = run_once(cmd, env)
                r["setting"] = label
                candidates[(impl, label)].append(r)
                print(f"  {cores} core(s), run {i + 1}: {impl:7s} {label:10s} {r['seconds']:8.2f} s"
                      f"  cpu {r['cpu_seconds']:7.2f} s  load {r['load']}", file=sys.stderr)
                if raw:
                    raw.write(json.dumps(r) + "\n")
        for (impl, label), res in candidates.items():
            print(f"  {cores} core(s): {impl:7s} {label:10s} median {median(res, 'seconds'):8.2f} s",
                  file=sys.stderr)
        rows.append((cores, fastest(candidates, "pytorch"), fastest(candidates, "recur")))
    load_after = load_average()

    first = rows[0][1][1][0]
    print(f"Training the tutorial's StockForecaster: {args.epochs} epochs, "
          f"{first['samples']} windows of 30, {first['batches_per_epoch']} "
          f"batches of 32 per epoch, {'normalised' if args.normalize else 'raw'} prices; "
          f"median of {args.runs} interleaved runs of each setting, each framework's fastest.\n")
    print("| cores | PyTorch s (setting) | recur s (setting) | PyTorch/recur | PyTorch CPU s "
          "| recur CPU s | CPU ratio | PyTorch MSE untrained → trained | recur MSE untrained → trained |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for cores, (pt_label, pytorch), (rc_label, recur) in rows:
        pt_s, rc_s = median(pytorch, "seconds"), median(recur, "seconds")
        pt_c, rc_c = median(pytorch, "cpu_seconds"), median(recur, "cpu_seconds")
        print(f"| {cores} | {pt_s:.2f} ({pt_label}) | {rc_s:.2f} ({rc_label}) "
              f"| **{pt_s / rc_s:.1f}×** | {pt_c:.2f} | {rc_c:.2f} | {pt_c / rc_c:.1f}× "
              f"| {losses(pytorch[-1])} | {losses(recur[-1])} |")
    print(f"\nMachine: {cpu_model()}, {os.cpu_count()} logical CPUs; PyTorch "
          f"{first.get('torch', '?')}; load average (1/5/15 min) before {load_before}, "
          f"after {load_after}.")
    if args.recur_env:
        print(f"recur ran with extra environment: {' '.join(args.recur_env)}")


if __name__ == "__main__":
    main()

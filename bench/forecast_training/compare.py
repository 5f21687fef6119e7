#!/usr/bin/env python3
"""Times the tutorial's StockForecaster training in PyTorch and in recur, side by side.

    bench/forecast_training/compare.py --example build/examples/example_stock_forecaster
    bench/forecast_training/compare.py --example ... --quick        (10 epochs, while developing)

Builds nothing: --example is the built examples/stock_forecaster.cpp. For each thread count
(default 1 and 2) it runs the PyTorch script (tutorial_pytorch.py, with Debian's /usr/bin/python3)
and the recur example N times (default 3), interleaved and alternating which goes first, so that
a change in the machine's load hits both alike. Both get OMP_NUM_THREADS=n and
OMP_WAIT_POLICY=PASSIVE; PyTorch also torch.set_num_threads(n), recur --threads n.

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
import platform
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--example", required=True, help="path of the built example_stock_forecaster")
    p.add_argument("--runs", type=int, default=3, help="runs of each program per thread count")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts")
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


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


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


def commands(args, threads):
    common = ["--epochs", str(args.epochs), "--seed", str(args.seed), "--threads", str(threads),
              "--json"] + (["--normalize"] if args.normalize else [])
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_WAIT_POLICY="PASSIVE")
    recur_env = dict(env, **dict(kv.split("=", 1) for kv in args.recur_env))
    pytorch = ([args.python, os.path.join(HERE, "tutorial_pytorch.py")] + common, env)
    recur = ([os.path.abspath(args.example)] + common, recur_env)
    return pytorch, recur


def losses(result):
    """MSE over all windows before and after training (and the series' own variance)."""
    return (f"{result['untrained_mse']:.4g} → {result['train_mse']:.4g} "
            f"(var {result['price_std'] ** 2:.4g})")


def median(results, key):
    return statistics.median(r[key] for r in results)


def main():
    args = parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    load_before = load_average()
    rows = []
    raw = open(args.raw, "w") if args.raw else None
    for threads in thread_counts:
        (pt_cmd, pt_env), (rc_cmd, rc_env) = commands(args, threads)
        pytorch, recur = [], []
        for i in range(args.runs):
            order = [(pt_cmd, pt_env, pytorch), (rc_cmd, rc_env, recur)]
            if i % 2 == 1:
                order.reverse()
            for cmd, env, results in order:
                r = run_once(cmd, env)
                results.append(r)
                print(f"  {threads} thread(s), run {i + 1}: {r['impl']:7s} {r['seconds']:8.2f} s"
                      f"  cpu {r['cpu_seconds']:7.2f} s  load {r['load']}", file=sys.stderr)
                if raw:
                    raw.write(json.dumps(r) + "\n")
        rows.append((threads, pytorch, recur))
    load_after = load_average()

    print(f"Training the tutorial's StockForecaster: {args.epochs} epochs, "
          f"{rows[0][1][0]['samples']} windows of 30, {rows[0][1][0]['batches_per_epoch']} "
          f"batches of 32 per epoch, {'normalised' if args.normalize else 'raw'} prices; "
          f"median of {args.runs} interleaved runs.\n")
    print("| threads | PyTorch s | recur s | PyTorch/recur | PyTorch CPU s | recur CPU s "
          "| CPU ratio | PyTorch MSE untrained → trained | recur MSE untrained → trained |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for threads, pytorch, recur in rows:
        pt_s, rc_s = median(pytorch, "seconds"), median(recur, "seconds")
        pt_c, rc_c = median(pytorch, "cpu_seconds"), median(recur, "cpu_seconds")
        print(f"| {threads} | {pt_s:.2f} | {rc_s:.2f} | **{pt_s / rc_s:.1f}×** | {pt_c:.2f} "
              f"| {rc_c:.2f} | {pt_c / rc_c:.1f}× | {losses(pytorch[-1])} | {losses(recur[-1])} |")
    print(f"\nMachine: {cpu_model()}, {os.cpu_count()} logical CPUs; PyTorch "
          f"{rows[0][1][0].get('torch', '?')}; load average (1/5/15 min) before {load_before}, "
          f"after {load_after}.")
    if args.recur_env:
        print(f"recur ran with extra environment: {' '.join(args.recur_env)}")


if __name__ == "__main__":
    main()

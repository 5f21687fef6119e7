"""The interleaved recur-vs-PyTorch loop and table of the job drivers (bench/token_jobs,
bench/transformer, bench/seq2seq), each side in each of its thread settings.

A driver names its jobs (`Job`), the recur program that runs one job per process and prints one
JSON line, and itself as the PyTorch worker (`<script> --torch-worker`, run by Debian's
/usr/bin/python3). For each run, thread count and job, every (side, setting) pair runs once in a
fresh process, in an order that rotates from job to job, so slow phases of a shared machine hit
all alike. On n > 1 cores each side is timed in each of its settings (bench/thread_settings.py:
recur 1 thread, n PASSIVE, n ACTIVE; PyTorch 1 thread, n PASSIVE, n with OMP_WAIT_POLICY unset)
and judged by its fastest, which the table names: one wait policy imposed on both would hobble
one of them. Every process gets OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = its threads and the
flag --threads with the same number (PyTorch's worker calls torch.set_num_threads with it).

The table gives, per job and thread count, the median over runs of each process's own median
repetition in each side's fastest setting, the ratio recur / PyTorch of throughputs (for a job
where lower is better, such as memory, PyTorch / recur: > 1 always means recur is ahead) beside
the target; then the same by CPU time (the process's user + system seconds, all its threads): on
a busy machine wall time includes waiting for a core and CPU time does not, so at 1 thread it
estimates what a quiet machine would show (at 2 threads it also counts spinning: it measures
work, not speed). Standard library only.
"""
import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import thread_settings

TORCH_PYTHON = "/usr/bin/python3"  # Debian's interpreter; the python3 on PATH may lack torch
SIDES = ("recur", "torch")


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    unit: str
    target: float
    value_key: str = "units_per_s"  # the field of the workers' JSON line that is compared
    scale: float = 1.0  # value shown = JSON value * scale
    lower_is_better: bool = False  # ratio PyTorch / recur instead of recur / PyTorch
    one_thread_only: bool = False  # measured once, at 1 thread, whatever --threads says
    cpu_key: str = "cpu_units_per_s"  # the same by CPU time ("" when not reported)

    def value(self, result, key=None):
        if result is None:
            return None
        return result[key or self.value_key] * self.scale

    def ratio(self, recur, torch):
        if not recur or not torch:
            return None
        return torch / recur if self.lower_is_better else recur / torch

    def best(self, medians):
        """The (setting label, median) a side is judged by: its fastest setting."""
        pick = min if self.lower_is_better else max
        return pick(medians.items(), key=lambda item: item[1])


def run_json(cmd, env, timeout=900):
    """The last stdout line of cmd as JSON, or None (reported on stderr) if it failed."""
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"# timed out: {' '.join(cmd)}", file=sys.stderr)
        return None
    if p.returncode != 0:
        print(f"# failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-1500:]}", file=sys.stderr)
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def thread_counts(job, threads):
    return [1] if job.one_thread_only else threads


def interleave(exe, script, jobs, threads, runs, flags_of, own_default_only=False):
    """{(job name, threads, side, setting label): [result or None per run]} and the 1-minute
    load averages seen. flags_of(job name, threads) gives the flags both sides get."""
    results, loads, turn = {}, [os.getloadavg()[0]], 0
    for r in range(runs):
        for job in jobs:
            for n in thread_counts(job, threads):
                pairs = [(side, s) for side in SIDES
                         for s in thread_settings.candidates(side, n, own_default_only)]
                turn += 1
                for side, setting in pairs[turn % len(pairs):] + pairs[:turn % len(pairs)]:
                    flags = flags_of(job.name, setting[0])
                    cmd = ([exe] if side == "recur"
                           else [TORCH_PYTHON, script, "--torch-worker"]) + flags
                    loads.append(os.getloadavg()[0])
                    out = run_json(cmd, thread_settings.env(setting))
                    label = thread_settings.label(setting)
                    results.setdefault((job.name, n, side, label), []).append(out)
                    shown = "failed" if out is None else f"{job.value(out):,.1f}"
                    print(f"# run {r + 1}/{runs} {job.name} {n}t {side} {label}: {shown} "
                          f"{job.unit}", file=sys.stderr, flush=True)
    return results, loads


def medians(results, job, n, side, key=None):
    """{setting label: median over runs} of one side's settings on one row."""
    table = {}
    for (name, threads, s, label), outs in results.items():
        if (name, threads, s) == (job.name, n, side):
            vals = [job.value(x, key) for x in outs if x is not None]
            if vals:
                table[label] = statistics.median(vals)
    return table


def fastest(results, job, n, side):
    """(setting label, median) of the setting a side is judged by, or (None, None)."""
    table = medians(results, job, n, side)
    return job.best(table) if table else (None, None)


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def print_table(results, loads, jobs, threads, runs, started):
    searched = any(n > 1 for n in threads)
    print(f"CPU: {cpu_model()} ({os.cpu_count()} CPUs); {started} to "
          f"{time.strftime('%H:%M')}; {runs} run(s); 1-minute load average "
          f"{min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f})\n")
    head = ("| job | threads | unit | recur | PyTorch | ratio | target | met "
            "| recur by CPU time | PyTorch by CPU time | ratio by CPU time |")
    head += " fastest setting: recur / PyTorch |" if searched else ""
    print(head)
    print("|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|" + ("---|" if searched else ""))
    for job in jobs:
        for n in thread_counts(job, threads):
            best = {side: fastest(results, job, n, side) for side in SIDES}
            recur, torch = best["recur"][1], best["torch"][1]
            ratio = job.ratio(recur, torch)
            cells = [fmt(recur), fmt(torch), "–" if ratio is None else f"{ratio:.2f}x",
                     f">= {job.target:g}x", "–" if ratio is None else
                     ("yes" if ratio >= job.target else "no")]
            if job.cpu_key:  # by CPU time, in the setting each side was fastest in
                cpu = {side: medians(results, job, n, side, job.cpu_key).get(best[side][0])
                       for side in SIDES}
                cpu_ratio = job.ratio(cpu["recur"], cpu["torch"])
                cells += [fmt(cpu["recur"]), fmt(cpu["torch"]),
                          "–" if cpu_ratio is None else f"{cpu_ratio:.2f}x"]
            else:
                cells += ["", "", ""]
            if searched:
                cells.append(" / ".join(best[side][0] or "–" for side in SIDES))
            print(f"| {job.name} | {n} | {job.unit} | " + " | ".join(cells) + " |")
    lower = [job.name for job in jobs if job.lower_is_better]
    if lower:
        print(f"\n({', '.join(lower)}: lower is better; the ratio is PyTorch / recur.)")


def write_json(path, results):
    with open(path, "w") as f:
        json.dump([{"job": j, "threads": n, "side": s, "setting": label, "runs": v}
                   for (j, n, s, label), v in results.items()], f, indent=1)


def add_driver_arguments(ap, jobs, threads="1", runs=5):
    """The options every driver has, and the hidden ones of its PyTorch worker."""
    ap.add_argument("--threads", default=threads, help="comma-separated core counts")
    ap.add_argument("--jobs", default=",".join(jobs))
    ap.add_argument("--runs", type=int, default=runs)
    ap.add_argument("--quick", action="store_true", help="1 run, few steps: a smoke test")
    ap.add_argument("--own-default-only", action="store_true",
                    help="on n > 1 threads, time each side only in its default setting")
    ap.add_argument("--json-out", help="write every process's result here")
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--job", help=argparse.SUPPRESS)


def run_driver(args, build, target, script, jobs, flags_of):
    """A driver's main after parsing: finds <build>/bench/<target>, checks --jobs (names of
    `jobs`), then interleave, print_table and (with --json-out) write_json."""
    exe = os.path.join(build, "bench", target)
    if not os.path.exists(exe):
        print(f"{exe} not found: configure with -DRECUR_BUILD_BENCH=ON and build the target "
              f"{target}, or pass --build", file=sys.stderr)
        return 2
    known = {job.name: job for job in jobs}
    unknown = [j for j in args.jobs.split(",") if j not in known]
    if unknown:
        print(f"--jobs: unknown job(s) {', '.join(unknown)} (known: {', '.join(known)})",
              file=sys.stderr)
        return 2
    chosen = [known[j] for j in args.jobs.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    runs = 1 if args.quick else args.runs
    started = time.strftime("%Y-%m-%d %H:%M")
    results, loads = interleave(exe, os.path.abspath(script), chosen, threads, runs, flags_of,
                                args.own_default_only)
    print_table(results, loads, chosen, threads, runs, started)
    if args.json_out:
        write_json(args.json_out, results)
    return 0

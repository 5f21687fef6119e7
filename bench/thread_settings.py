"""The settings a framework is timed in when a benchmark row grants it n cores, for every
side-by-side driver (bench/compare, bench/side_by_side.py's jobs, bench/forecast_training).

A setting is (threads, OMP_WAIT_POLICY). On n > 1 cores each framework is timed in each of its
candidates and judged by its fastest: the wait policy of OpenMP's idle workers decides a lot on
2 shared cores, and not in the same direction for everyone. PyTorch 1.13 gets 3-8x slower with
OpenMP's default spinning (its OpenMP workers fight its OpenBLAS pthread pool for the cores),
oneDNN 5-20x slower with PASSIVE (every time step wakes the workers); one policy imposed on all
hobbles one of them. Candidates for n > 1 (n = 1 has one setting: one thread, nothing waits):
  * recur: 1 thread; n threads PASSIVE (what the recur program picks when OMP_WAIT_POLICY is
    unset, apps/main.cpp); n threads ACTIVE;
  * PyTorch: 1 thread; n threads PASSIVE; n threads with OMP_WAIT_POLICY unset (libgomp's own
    default: spin a while, then sleep);
  * oneDNN: 1 thread; n threads unset; n threads ACTIVE.
Each framework gets the same number of settings, so the fastest-of-several draw favours none.
"""
import os

UNSET = "unset"  # OMP_WAIT_POLICY left out of the environment: libgomp's own default
# Each framework's wait policies on more than one thread, its own default first.
POLICIES = {"recur": ["PASSIVE", "ACTIVE"], "torch": ["PASSIVE", UNSET],
            "onednn": [UNSET, "ACTIVE"]}


def candidates(kind, threads, own_default_only=False):
    """The settings `kind` ("recur", "torch" or "onednn") is timed in on `threads` cores;
    own_default_only keeps just its default multi-thread setting (a smoke test's third)."""
    if threads == 1:
        return [(1, POLICIES[kind][0])]
    policies = POLICIES[kind][:1] if own_default_only else POLICIES[kind]
    single = [] if own_default_only else [(1, POLICIES[kind][0])]
    return single + [(threads, p) for p in policies]


def label(setting):
    """"1", or "<n> <policy>" as the tables print it."""
    threads, policy = setting
    return "1" if threads == 1 else f"{threads} {policy}"


def env(setting, base=None):
    """The process environment of a setting: OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = threads,
    OMP_WAIT_POLICY as the setting says (absent for UNSET) over `base` (default os.environ)."""
    threads, policy = setting
    result = dict(os.environ if base is None else base, OMP_NUM_THREADS=str(threads),
                  OPENBLAS_NUM_THREADS=str(threads))
    result.pop("OMP_WAIT_POLICY", None)
    if policy != UNSET:
        result["OMP_WAIT_POLICY"] = policy
    return result

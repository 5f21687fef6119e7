#!/usr/bin/env python3
"""Writes data/synthetic_panel_30x2500_wide.csv: 30 synthetic daily price series with known
structure, for `recur forecast` on many series (a global model, or one per series) and its tests.

    python3 tools/data/make_synthetic_panel.py                 # seed 14, the shipped file
    python3 tools/data/make_synthetic_panel.py --seed 3 --out /tmp/panel.csv

Layout: wide, header `date,S01,...,S30`, one row per business day (Monday to Friday, no
holidays) for 2,500 days from Monday 2010-01-04 to Friday 2019-08-02, prices printed with 4
decimals. Every series is exp(log price), so every value is positive.

Three groups of ten, so that a model that learns the structure beats the naive forecast
("tomorrow = today") where there is something to learn, and nothing can where there is not.
With x_t the log price of a series on day t, e_t independent standard normal draws and mu the
series' drift (drawn uniformly from [0, 0.0003] a day, up to about 8% a year):

  S01-S10  random walk:  x_t = x_{t-1} + mu + 0.01 e_t.
           Daily log changes are independent (sd 1%): the best forecast of the price is the last
           one (plus a drift too small to matter). Nothing beats naive here.
  S11-S20  momentum:     r_t = mu + 0.5 (r_{t-1} - mu) + 0.01 e_t,  x_t = x_{t-1} + r_t.
           The daily log changes are AR(1) with phi = 0.5 (sd 0.01 / sqrt(1 - 0.25) = 1.15%):
           a quarter of each day's change is predictable from the previous day's.
  S21-S30  weekly cycle: x_t = w_t + 0.01 sin(2 pi d_t / 5),  w_t = w_{t-1} + mu + 0.01 e_t,
           d_t = the weekday (Monday 0 ... Friday 4). A random walk plus a deterministic cycle of
           period 5 business days, of amplitude 1% (the daily noise's sd), the same phase in every
           series. The cycle makes about 40% of the variance of the daily change predictable from
           the weekday, or from the recent changes.

Start prices are drawn uniformly from [20, 200]. The draws are made group by group, series by
series, day by day, from Python's random.Random(seed) (Mersenne Twister; random() is stable across
Python versions since 3.2), turned into normal draws by the Box-Muller transform written here
rather than random.gauss, so that the file does not depend on that function's internals.
Standard library only; the same bytes with Debian 12's Python 3.11.
"""
import argparse
import datetime
import math
import os
import random

SERIES_PER_GROUP = 10
DAYS = 2500
FIRST_DAY = datetime.date(2010, 1, 4)  # a Monday
NOISE_SD = 0.01
MAX_DRIFT = 0.0003
AR_PHI = 0.5
CYCLE_PERIOD = 5
CYCLE_AMPLITUDE = 0.01


class Normal:
    """Standard normal draws from random.Random by Box-Muller, one pair at a time."""

    def __init__(self, rng):
        self.rng = rng
        self.spare = None

    def __call__(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = 1.0 - self.rng.random()  # in (0, 1]: log(u1) is finite
        u2 = self.rng.random()
        radius = math.sqrt(-2.0 * math.log(u1))
        self.spare = radius * math.sin(2.0 * math.pi * u2)
        return radius * math.cos(2.0 * math.pi * u2)


def business_days(first, count):
    """`count` weekdays from `first` on, in order."""
    days = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def random_walk(rng, normal, start, days):
    """Log prices of a random walk with drift."""
    mu = rng.uniform(0.0, MAX_DRIFT)
    x = [start]
    for _ in range(1, len(days)):
        x.append(x[-1] + mu + NOISE_SD * normal())
    return x


def momentum(rng, normal, start, days):
    """Log prices whose daily changes are AR(1) around the drift, starting from the stationary
    distribution."""
    mu = rng.uniform(0.0, MAX_DRIFT)
    r = mu + NOISE_SD / math.sqrt(1.0 - AR_PHI**2) * normal()
    x = [start]
    for _ in range(1, len(days)):
        r = mu + AR_PHI * (r - mu) + NOISE_SD * normal()
        x.append(x[-1] + r)
    return x


def weekly_cycle(rng, normal, start, days):
    """Log prices: a random walk with drift plus a fixed cycle over the weekdays."""
    walk = random_walk(rng, normal, start, days)
    return [w + CYCLE_AMPLITUDE * math.sin(2.0 * math.pi * d.weekday() / CYCLE_PERIOD)
            for w, d in zip(walk, days)]


GROUPS = [random_walk, momentum, weekly_cycle]


def make_panel(seed):
    """The dates and the 30 series of prices, S01 first."""
    rng = random.Random(seed)
    normal = Normal(rng)
    days = business_days(FIRST_DAY, DAYS)
    series = []
    for group in GROUPS:
        for _ in range(SERIES_PER_GROUP):
            start = math.log(rng.uniform(20.0, 200.0))
            series.append([math.exp(x) for x in group(rng, normal, start, days)])
    return days, series


def write_csv(path, days, series):
    names = [f"S{i + 1:02d}" for i in range(len(series))]
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(",".join(["date"] + names) + "\n")
        for t, day in enumerate(days):
            f.write(",".join([day.isoformat()] + [f"{s[t]:.4f}" for s in series]) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "data", "synthetic_panel_30x2500_wide.csv")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    days, series = make_panel(args.seed)
    write_csv(args.out, days, series)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the demo data of `recur seq2seq`: dates written in many human formats, each paired
with the same date in ISO 8601, one pair per line as  source<TAB>target  (UTF-8, LF, no header).

    python3 tools/make_dates.py                       # data/dates.tsv, 20,000 pairs, seed 12
    python3 tools/make_dates.py --count 500 --seed 3 --out /tmp/dates.tsv

Deterministic: the same seed and count give the same file (Python's random.Random, whose
randrange/choice have been stable since Python 3.2). Standard library only.

Each line draws a day uniformly from 1950-01-01 to 2049-12-31 and one of the FORMATS below
uniformly. Conventions, so that every source has exactly one answer:
  - "/" with the year last is month first (US: 03/04/21 is 4 March 2021);
  - "." or "-" with the year last is day first (European: 03.04.21 is 3 April 2021);
  - a year first is always year, month, day (2021.3.4, 2021/03/04, 20210304);
  - a two-digit year 50-99 is 19xx and 00-49 is 20xx (the range of the days makes it exact).
Month names and weekdays are English, in several capitalisations; the weekday is always the
true one. Sources are unique: a drawn source already written is skipped (identical lines would
put the same example on both sides of a train/test split).
"""
import argparse
import datetime
import os
import random

FIRST = datetime.date(1950, 1, 1)
LAST = datetime.date(2049, 12, 31)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n):
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st, 22nd, 23rd, 31st."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def parts(d):
    month, weekday = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    return {"d": d.day, "dd": f"{d.day:02d}", "m": d.month, "mm": f"{d.month:02d}",
            "yyyy": d.year, "yy": f"{d.year % 100:02d}", "Month": month, "Mon": month[:3],
            "Weekday": weekday, "Wkd": weekday[:3], "dth": ordinal(d.day)}


# Each format is a str.format pattern over parts(); the optional function changes its case.
FORMATS = [
    ("{d} {Month} {yyyy}", None),                # 3 March 2021
    ("{dd} {Mon} {yyyy}", None),                 # 03 Mar 2021
    ("{Month} {d}, {yyyy}", None),               # March 3, 2021
    ("{Mon} {d} {yyyy}", None),                  # Mar 3 2021
    ("{Weekday}, {Month} {dth} {yyyy}", None),   # Wednesday, March 3rd 2021
    ("{Wkd} {d} {Mon} {yyyy}", None),            # Wed 3 Mar 2021
    ("{dth} of {Month} {yyyy}", None),           # 3rd of March 2021
    ("{Weekday} {d} {Month} {yyyy}", None),      # Wednesday 3 March 2021
    ("{Month} {dth}, {yyyy}", str.lower),        # march 3rd, 2021
    ("{Month} {d}, {yyyy}", str.upper),          # MARCH 3, 2021
    ("{d} {Mon} '{yy}", None),                   # 3 Mar '21
    ("{dd}-{Mon}-{yyyy}", str.upper),            # 03-MAR-2021
    ("{mm}/{dd}/{yyyy}", None),                  # 03/03/2021  (US)
    ("{m}/{d}/{yy}", None),                      # 3/3/21      (US)
    ("{dd}.{mm}.{yyyy}", None),                  # 03.03.2021  (European)
    ("{d}.{m}.{yy}", None),                      # 3.3.21      (European)
    ("{dd}-{mm}-{yyyy}", None),                  # 03-03-2021  (European)
    ("{yyyy}.{m}.{d}", None),                    # 2021.3.3
    ("{yyyy}/{mm}/{dd}", None),                  # 2021/03/03
    ("{yyyy}{mm}{dd}", None),                    # 20210303
    ("{yyyy}-{mm}-{dd}", None),                  # 2021-03-03  (already ISO: the copy baseline's)
]


def write_date(d, fmt):
    pattern, case = fmt
    text = pattern.format(**parts(d))
    return case(text) if case else text


def make_pairs(count, seed):
    rng = random.Random(seed)
    span = (LAST - FIRST).days + 1
    seen, pairs = set(), []
    while len(pairs) < count:
        d = FIRST + datetime.timedelta(days=rng.randrange(span))
        source = write_date(d, rng.choice(FORMATS))
        if source in seen:
            continue
        seen.add(source)
        pairs.append((source, d.isoformat()))
    return pairs


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", default=os.path.join(root, "data", "dates.tsv"))
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for source, target in make_pairs(args.count, args.seed):
            f.write(f"{source}\t{target}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bootstrap_check.py - an independent computation of eval judge's win rates
and 95% bootstrap intervals, from its outcomes.jsonl, compared with its
summary.json.  Standard library only.

    python3 bootstrap_check.py OUT_DIR

Written from the definition in docs/eval.md, not from the C code: per
criterion, the stories' points in outcomes.jsonl order (win 2, tie 1, loss
0; invalid, failed, pending and no_reference left out); R resamples of n
indices drawn from SplitMix64 (seeded with the summary's seed) by rejection
of the biased tail; the resample means sorted; the interval is the
ceil(0.025 R)-th and ceil(0.975 R)-th of them (1-based).  Prints one line per
criterion and exits 1 on any difference."""
import json
import math
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        limit = (1 << 64) - ((1 << 64) % n)    # values >= limit would bias x % n
        while True:
            x = self.next()
            if x < limit:
                return x % n


def interval(points, resamples, seed):
    rng = SplitMix64(seed)
    n = len(points)
    means = []
    for _ in range(resamples):
        means.append(sum(points[rng.below(n)] for _ in range(n)) / (2 * n))
    means.sort()
    return means[math.ceil(0.025 * resamples) - 1], means[math.ceil(0.975 * resamples) - 1]


def main():
    out = sys.argv[1]
    summary = json.load(open(out + "/summary.json"))
    outcomes = [json.loads(l) for l in open(out + "/outcomes.jsonl") if l.strip()]
    boot = summary["bootstrap"]
    points_of = {"win": 2, "tie": 1, "loss": 0}
    bad = 0
    for crit, t in summary["criteria"].items():
        pts = [points_of[o["outcome"]] for o in outcomes
               if o["criterion"] == crit and o["outcome"] in points_of]
        n = len(pts)
        wins = pts.count(2)
        ties = pts.count(1)
        rate = (wins + ties / 2) / n if n else None
        lo, hi = interval(pts, boot["resamples"], boot["seed"]) if n else (None, None)
        same = (t["n"] == n and t["wins"] == wins and t["ties"] == ties
                and (rate is None) == (t["win_rate"] is None))
        if same and n:
            # summary numbers are written with 6 significant digits
            same = all(abs(a - b) <= 5e-6 for a, b in ((rate, t["win_rate"]), (lo, t["ci"][0]), (hi, t["ci"][1])))
        print("%s: n %d, win rate %s, interval [%s, %s] (summary: %s %s) %s"
              % (crit, n, rate, lo, hi, t["win_rate"], t["ci"], "ok" if same else "DIFFERENT"))
        bad += not same
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

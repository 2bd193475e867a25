"""Writes fixtures/scipy-reference.json: two-sample KS statistics (scipy.stats.ks_2samp), Pearson chi-square
(scipy.stats.chisquare) and Jensen-Shannon divergences (scipy.spatial.distance.jensenshannon, base 2, squared)
for the drift tests to compare with. Run once by hand (python3 test/ml/drift/scipy_reference.py); the tests
only read the JSON."""
import json
import os

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import chisquare, ks_2samp

rng = np.random.default_rng(20261126)


def rounded(values):
    return [round(float(v), 6) for v in values]


ks_cases = []
for name, baseline, window in [
    ("normal vs normal shifted 0.3", rng.normal(0, 1, 2000), rng.normal(0.3, 1, 500)),
    ("exponential vs exponential scale 1.5", rng.exponential(1, 2000), rng.exponential(1.5, 600)),
    ("poisson 3 vs poisson 3.5 (ties)", rng.poisson(3, 2000).astype(float), rng.poisson(3.5, 700).astype(float)),
    ("uniform vs narrower uniform", rng.uniform(0, 10, 2000), rng.uniform(2, 9, 400)),
]:
    baseline, window = rounded(baseline), rounded(window)
    ks_cases.append({"name": name, "baseline": baseline, "window": window,
                     "ks": float(ks_2samp(baseline, window).statistic)})

categorical_cases = []
for name, baseline_counts, window_counts in [
    ("three levels reweighted", [50, 30, 20], [80, 120, 200]),
    ("five levels, small shift", [400, 300, 150, 100, 50], [390, 320, 140, 90, 60]),
]:
    p = np.array(baseline_counts, dtype=float) / sum(baseline_counts)
    m = sum(window_counts)
    categorical_cases.append({
        "name": name,
        "baselineCounts": baseline_counts,
        "windowCounts": window_counts,
        "chi2": float(chisquare(window_counts, p * m).statistic),
        "js": float(jensenshannon(p, np.array(window_counts, dtype=float) / m, base=2) ** 2),
    })

out = os.path.join(os.path.dirname(__file__), "fixtures", "scipy-reference.json")
with open(out, "w") as f:
    json.dump({"ks": ks_cases, "categorical": categorical_cases}, f)
    f.write("\n")

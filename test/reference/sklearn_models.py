#!/usr/bin/env python3
"""Scores scikit-learn (and xgboost, when installed) on CSVs written by export.ts or the ML benchmark.

Each CSV row is: feature values..., integer class label (no header). Usage:
  python3 sklearn_models.py <dir with train.csv and test.csv> '<json list of {"model":..,"params":{..}}>'
Prints one JSON object per line: model, params, accuracy, fitSeconds, predictSeconds, predictRowMicros.
All estimators run single-threaded (n_jobs=1) so ratios against our single-threaded code are fair.
"""
import json
import sys
import time

import numpy as np


def make(model, params):
    p = dict(params)
    if model == "LogisticRegression":
        from sklearn.linear_model import LogisticRegression
        return LogisticRegression(max_iter=p.pop("max_iter", 1000), **p)
    if model == "DecisionTree":
        from sklearn.tree import DecisionTreeClassifier
        return DecisionTreeClassifier(random_state=p.pop("random_state", 42), **p)
    if model == "RandomForest":
        from sklearn.ensemble import RandomForestClassifier
        return RandomForestClassifier(random_state=p.pop("random_state", 42), n_jobs=1, **p)
    if model == "SVC":
        from sklearn.svm import SVC
        return SVC(**p)
    if model == "KNN":
        from sklearn.neighbors import KNeighborsClassifier
        return KNeighborsClassifier(n_jobs=1, **p)
    if model == "GradientBoosting":
        from sklearn.ensemble import GradientBoostingClassifier
        return GradientBoostingClassifier(random_state=p.pop("random_state", 42), **p)
    if model == "AdaBoost":
        from sklearn.ensemble import AdaBoostClassifier
        return AdaBoostClassifier(random_state=p.pop("random_state", 42), **p)
    if model == "XGBoost":
        from xgboost import XGBClassifier
        return XGBClassifier(tree_method="hist", n_jobs=1, random_state=p.pop("random_state", 42), **p)
    if model == "MLP":
        from sklearn.neural_network import MLPClassifier
        if "hidden_layer_sizes" in p:
            p["hidden_layer_sizes"] = tuple(p["hidden_layer_sizes"])
        return MLPClassifier(random_state=p.pop("random_state", 42), **p)
    raise SystemExit(f"unknown model {model}")


def main():
    folder, specs = sys.argv[1], json.loads(sys.argv[2])
    train = np.loadtxt(f"{folder}/train.csv", delimiter=",", ndmin=2)
    test = np.loadtxt(f"{folder}/test.csv", delimiter=",", ndmin=2)
    xtr, ytr = train[:, :-1], train[:, -1].astype(int)
    xte, yte = test[:, :-1], test[:, -1].astype(int)
    for spec in specs:
        est = make(spec["model"], spec.get("params", {}))
        t0 = time.perf_counter()
        est.fit(xtr, ytr)
        t1 = time.perf_counter()
        pred = est.predict(xte)
        t2 = time.perf_counter()
        row = xte[:1]
        reps = 200
        t3 = time.perf_counter()
        for _ in range(reps):
            est.predict(row)
        t4 = time.perf_counter()
        print(json.dumps({
            "model": spec["model"],
            "params": spec.get("params", {}),
            "accuracy": float((pred == yte).mean()),
            "fitSeconds": t1 - t0,
            "predictSeconds": t2 - t1,
            "predictRowMicros": (t4 - t3) / reps * 1e6,
        }), flush=True)


if __name__ == "__main__":
    main()

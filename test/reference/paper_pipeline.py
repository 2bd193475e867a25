#!/usr/bin/env python3
"""The paper's 9-model pipeline in scikit-learn, as `synergy train` runs it, for bench/paper-pipeline.ts.

  python3 paper_pipeline.py <csv with header> [--target col] [--seed 42] [--test-size 0.2] [--folds 5]
                            [--n-jobs -1] [--models A,B] [--split-file split.json] [--xgb-n-jobs n]

Steps (the same as layers/core/training/train-in-process.ts): read the CSV; infer each column numeric or
categorical; stratified train/test split (train_test_split, seed); fit on the training split only: median
imputation of numeric columns, one-hot encoding of categorical ones (sorted levels, a "missing" level when
the training split has missing cells, unseen levels → all zeros), StandardScaler over every feature. Then per
model in the paper's order: GridSearchCV(paper grid, StratifiedKFold(folds, shuffle=True, seed), accuracy,
n_jobs, refit=True), test accuracy of the refitted best. The best model has the highest test accuracy
(ties → the earlier model).

--split-file replaces the split and the CV folds with given ones ({"trainRows", "testRows", "folds":
[{"train", "validation"}]}: 0-based data-row indices, fold indices into the training rows), so accuracies
can be compared with ours on identical rows.

Prints one JSON object: versions, cpus, importSeconds (numpy, scikit-learn, xgboost), pipelineSeconds (from
reading the CSV to the best model), leaderboard (model, params, cvAccuracy, testAccuracy, fitSeconds) and
best. Warnings (ConvergenceWarning of the paper's max_iter defaults) are silenced, in the joblib workers too.
"""
import time

SCRIPT_STARTED = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import warnings  # noqa: E402

# Inherited by joblib's worker processes, which start later; the paper's defaults (LogisticRegression and
# MLP max_iter) do not always converge, and the warnings would only bury the one JSON line.
os.environ["PYTHONWARNINGS"] = "ignore"
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
import xgboost  # noqa: E402
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier, RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import LabelEncoder, StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from xgboost import XGBClassifier  # noqa: E402

IMPORTS_DONE = time.perf_counter()

# pandas' default NA strings, as layers/ml/data/cell-values.ts (a cell is missing once trimmed).
NA_STRINGS = {
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
    "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
}

# The paper's grids (layers/ml/search/paper-grids.ts), in the paper's model order.
PAPER_GRIDS = {
    "LogisticRegression": {"C": [0.1, 1, 10]},
    "DecisionTree": {"max_depth": [3, 5, 7, 10]},
    "RandomForest": {"n_estimators": [50, 100, 150]},
    "SVC": {"kernel": ["linear", "rbf"], "C": [0.1, 1, 10]},
    "KNN": {"n_neighbors": [3, 5, 7]},
    "GradientBoosting": {"n_estimators": [50, 100, 150]},
    "AdaBoost": {"n_estimators": [50, 100, 150]},
    "XGBoost": {"n_estimators": [50, 100, 150], "learning_rate": [0.01, 0.1, 0.2]},
    "MLP": {"hidden_layer_sizes": [(50,), (100,)], "alpha": [1e-4, 1e-3]},
}


def estimator(model, seed, xgb_n_jobs):
    """scikit-learn's defaults, as our models' (AdaBoost: SAMME, the only algorithm we implement).

    XGBoost's n_jobs stays unset (the paper's XGBClassifier(tree_method='hist')) unless given: then every
    fit uses all cores' OpenMP threads, except inside joblib's workers, which cap them at cores / n_jobs.
    """
    if model == "LogisticRegression":
        return LogisticRegression(random_state=seed)
    if model == "DecisionTree":
        return DecisionTreeClassifier(random_state=seed)
    if model == "RandomForest":
        return RandomForestClassifier(random_state=seed)
    if model == "SVC":
        return SVC(random_state=seed)
    if model == "KNN":
        return KNeighborsClassifier()
    if model == "GradientBoosting":
        return GradientBoostingClassifier(random_state=seed)
    if model == "AdaBoost":
        return AdaBoostClassifier(algorithm="SAMME", random_state=seed)
    if model == "XGBoost":
        return XGBClassifier(tree_method="hist", random_state=seed, n_jobs=xgb_n_jobs)
    if model == "MLP":
        return MLPClassifier(random_state=seed)
    raise SystemExit(f"unknown model {model}")


def is_missing(cell):
    return cell.strip() in NA_STRINGS


def as_number(cell):
    try:
        return float(cell)
    except ValueError:
        return None


def read_table(path, target):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, records = rows[0], [r for r in rows[1:] if r]
    target = target if target is not None else header[-1]
    if target not in header:
        raise SystemExit(f"no column {target!r} in {path}")
    t = header.index(target)
    columns = [(name, [r[j] for r in records]) for j, name in enumerate(header) if j != t]
    return columns, [r[t].strip() for r in records]


def is_numeric(cells):
    """Numeric when more than half of the non-missing cells are numbers, as layers/ml/data/infer-kind.ts."""
    present = [c for c in cells if not is_missing(c)]
    numbers = sum(1 for c in present if as_number(c) is not None)
    return not present or numbers * 2 > len(present)


def numeric_block(cells, train_rows, test_rows):
    values = np.array([np.nan if is_missing(c) else float(c) for c in cells])
    train_values = values[train_rows]
    median = np.nanmedian(train_values) if np.any(~np.isnan(train_values)) else 0.0
    values = np.where(np.isnan(values), median, values)
    return values[train_rows, None], values[test_rows, None]


def categorical_block(cells, train_rows, test_rows):
    stripped = [None if is_missing(c) else c for c in cells]
    train_cells = [stripped[i] for i in train_rows]
    levels = sorted({c for c in train_cells if c is not None})
    missing_level = any(c is None for c in train_cells)
    index = {level: k for k, level in enumerate(levels)}
    width = len(levels) + (1 if missing_level else 0)

    def encode(rows):
        out = np.zeros((len(rows), width))
        for r, i in enumerate(rows):
            k = (len(levels) if missing_level else -1) if stripped[i] is None else index.get(stripped[i], -1)
            if k >= 0:
                out[r, k] = 1.0
        return out

    return encode(train_rows), encode(test_rows)


def prepare(columns, train_rows, test_rows):
    """Imputation, one-hot and scaling fitted on the training rows only, columns kept in file order."""
    blocks = [
        (numeric_block if is_numeric(cells) else categorical_block)(cells, train_rows, test_rows)
        for _, cells in columns
    ]
    x_train = np.hstack([b[0] for b in blocks])
    x_test = np.hstack([b[1] for b in blocks])
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test)


def plain(value):
    """JSON-friendly parameter values (tuples as lists, numpy scalars as Python numbers)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--target")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--models", default=",".join(PAPER_GRIDS))
    parser.add_argument("--split-file")
    parser.add_argument("--xgb-n-jobs", type=int)
    args = parser.parse_args()
    models = [m for m in PAPER_GRIDS if m in args.models.split(",")]

    started = time.perf_counter()
    columns, labels = read_table(args.csv, args.target)
    y = LabelEncoder().fit_transform(labels)
    if args.split_file:
        with open(args.split_file, encoding="utf-8") as f:
            split = json.load(f)
        train_rows, test_rows = np.array(split["trainRows"]), np.array(split["testRows"])
        cv = [(np.array(fold["train"]), np.array(fold["validation"])) for fold in split["folds"]]
    else:
        train_rows, test_rows = train_test_split(
            np.arange(len(labels)), test_size=args.test_size, stratify=y, random_state=args.seed
        )
        # Ascending, as ours: the matrices keep the file's row order.
        train_rows, test_rows = np.sort(train_rows), np.sort(test_rows)
        cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    x_train, x_test = prepare(columns, train_rows, test_rows)
    y_train, y_test = y[train_rows], y[test_rows]

    leaderboard = []
    for model in models:
        t0 = time.perf_counter()
        search = GridSearchCV(
            estimator(model, args.seed, args.xgb_n_jobs), PAPER_GRIDS[model], scoring="accuracy", cv=cv,
            n_jobs=args.n_jobs, refit=True,
        )
        search.fit(x_train, y_train)
        test_accuracy = float((search.predict(x_test) == y_test).mean())
        leaderboard.append({
            "model": model,
            "params": {k: plain(v) for k, v in search.best_params_.items()},
            "cvAccuracy": float(search.best_score_),
            "testAccuracy": test_accuracy,
            "fitSeconds": time.perf_counter() - t0,
        })
    best = None
    for entry in leaderboard:
        if best is None or entry["testAccuracy"] > best["testAccuracy"]:
            best = entry
    finished = time.perf_counter()

    print(json.dumps({
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "xgboost": xgboost.__version__,
        "cpus": os.cpu_count(),
        "nJobs": args.n_jobs,
        "xgbNJobs": args.xgb_n_jobs,
        "rows": len(labels),
        "features": int(x_train.shape[1]),
        "trainRows": int(len(train_rows)),
        "testRows": int(len(test_rows)),
        "importSeconds": IMPORTS_DONE - SCRIPT_STARTED,
        "pipelineSeconds": finished - started,
        "scriptSeconds": finished - SCRIPT_STARTED,
        "best": {"model": best["model"], "testAccuracy": best["testAccuracy"]} if best else None,
        "leaderboard": leaderboard,
    }), flush=True)


if __name__ == "__main__":
    main()

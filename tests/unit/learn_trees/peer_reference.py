"""Trains a peer (XGBoost or scikit-learn) on a ../shared/bench dataset for test_vs_peers.cpp and
prints its test AUCs as JSON: {"auc": [one per class, one-vs-rest; binary: one]}.

usage: peer_reference.py BASE PEER PARAMS_JSON TRAIN_ROWS
  BASE        dataset path without extension (BASE.json, BASE.bin as written by make_data.py)
  PEER        xgb_hist | sklearn_adaboost | sklearn_rf
  TRAIN_ROWS  use the first N training rows (0 = all); test rows are always all of them
"""
import json
import sys

import numpy as np
from sklearn.metrics import roc_auc_score

base, peer, params, cap = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
meta = json.load(open(base + ".json"))
data = np.fromfile(base + ".bin", dtype="<f4").reshape(meta["rows"], meta["cols"])
cols = meta["columns"]
features = [cols.index(c) for c in meta["feature_columns"]]
label = data[:, cols.index(meta["label_column"])].astype(np.int64)
is_train = data[:, cols.index(meta["split_column"])] == 0
x_train, y_train = data[is_train][:, features], label[is_train]
if cap > 0:
    x_train, y_train = x_train[:cap], y_train[:cap]
x_test, y_test = data[~is_train][:, features], label[~is_train]

if peer == "xgb_hist":
    import xgboost
    model = xgboost.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, **params)
elif peer == "sklearn_adaboost":
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier
    depth = params.pop("max_depth")
    model = AdaBoostClassifier(DecisionTreeClassifier(max_depth=depth), random_state=0, **params)
elif peer == "sklearn_rf":
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_jobs=2, random_state=0, **params)
else:
    sys.exit(f"unknown peer {peer}")
model.fit(x_train, y_train)
p = model.predict_proba(x_test)
classes = p.shape[1]
aucs = [roc_auc_score(y_test, p[:, 1])] if classes == 2 else [roc_auc_score(y_test == k, p[:, k]) for k in range(classes)]
print(json.dumps({"auc": aucs}))

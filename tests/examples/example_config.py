"""Helpers shared by the example tests: an example config pointed at scratch samples, its
features, the features carried as spectators, and the equal_sum class balance."""
import json
import os
import re

import numpy as np


def copy_config(source, analysis):
    """The example config, its sample/metadata paths pointed at samples/ beside it."""
    text = open(os.path.join(source, "examples", f"{analysis}.toml")).read()
    old = f"../build/samples/{analysis}/"
    if old not in text:
        raise RuntimeError(f"examples/{analysis}.toml no longer contains {old!r}: update the test")
    text = text.replace(old, "samples/")
    text = text.replace(f'output = "../build/runs/{analysis}"', 'output = "run_default"')
    return text


def features_of(text):
    """The [features] use list of a config (a TOML array of strings)."""
    m = re.search(r"^use\s*=\s*\[(.*?)\]\s*$", text, re.S | re.M)
    return re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))


def with_feature_spectators(text, features):
    """The config with every feature also carried as a spectator spec_<k> (a derived variable)."""
    names = [f"spec_{k}" for k in range(len(features))]
    lines = "\n".join(f'{n} = "{f}"' for n, f in zip(names, features))
    m = re.search(r"^\[variables\]\s*$", text, re.M)
    if m:
        # At the end of the table: variables are computed in the order written and may use earlier ones.
        nxt = re.compile(r"^\[", re.M).search(text, m.end())
        at = nxt.start() if nxt else len(text)
        text = text[:at].rstrip("\n") + "\n" + lines + "\n\n" + text[at:]
    else:
        text = re.sub(r"^\[features\]\s*$", "[variables]\n" + lines + "\n\n[features]", text, count=1, flags=re.M)
    m = re.search(r"^spectators\s*=\s*\[(.*?)\]\s*$", text, re.M)
    if m:
        old = re.findall(r'"([^"]*)"', m.group(1))
        text = text[:m.start()] + "spectators = " + json.dumps(old + names) + text[m.end():]
    else:
        text = re.sub(r"^\[features\]\s*$", "[features]\nspectators = " + json.dumps(names), text, count=1,
                      flags=re.M)
    return text, names


def equal_sum_weights(labels, w, n_classes):
    """[weights] class_balance = "equal_sum" (docs/config.md): each class sum = the mean class sum."""
    sums = np.array([w[labels == c].sum() for c in range(n_classes)])
    return w * (sums.sum() / n_classes / sums[labels])

"""docs/models.md must hold, verbatim, the parameter table `evclass models TYPE` prints for every
tree type (so the documentation cannot drift from the schemas that check configs).

usage: check_model_tables.py EVCLASS SOURCE_DIR
"""
import subprocess
import sys

evclass, source = sys.argv[1], sys.argv[2]
doc = open(f"{source}/docs/models.md").read()
failures = 0
for t in ["gbdt", "random_forest", "adaboost"]:
    out = subprocess.run([evclass, "models", t], capture_output=True, text=True, check=True).stdout
    table = "\n".join(line for line in out.splitlines() if line.startswith("|"))
    ok = table in doc
    print(f"[{'ok  ' if ok else 'FAIL'}] docs/models.md holds the table of `evclass models {t}`")
    if not ok:
        failures += 1
        print(out)
sys.exit(1 if failures else 0)

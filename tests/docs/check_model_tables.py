"""docs/models.md must hold, verbatim, the parameter table `evclass models TYPE` prints for every
tree type, and docs/models-pnn.md the table of pnn (so the documentation cannot drift from the
schemas that check configs).

usage: check_model_tables.py EVCLASS SOURCE_DIR
"""
import subprocess
import sys

evclass, source = sys.argv[1], sys.argv[2]
failures = 0
for t, page in [("gbdt", "models.md"), ("random_forest", "models.md"), ("adaboost", "models.md"),
                ("pnn", "models-pnn.md")]:
    doc = open(f"{source}/docs/{page}").read()
    out = subprocess.run([evclass, "models", t], capture_output=True, text=True, check=True).stdout
    table = "\n".join(line for line in out.splitlines() if line.startswith("|"))
    ok = table in doc
    print(f"[{'ok  ' if ok else 'FAIL'}] docs/{page} holds the table of `evclass models {t}`")
    if not ok:
        failures += 1
        print(out)
sys.exit(1 if failures else 0)

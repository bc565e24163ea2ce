#!/usr/bin/python3
"""Bad inputs to `evclass train` and `evclass apply`: each must end in its own clear message and
exit status 1, never a crash or an 'internal error'.

Usage: test_cli_errors.py EVCLASS_PROGRAM SCRATCH_DIR   (exit 0 = pass, 1 = a check failed)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

if len(sys.argv) != 3:
    print(__doc__)
    sys.exit(2)
EVCLASS, SCRATCH = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

FAILURES = []
T0 = time.time()
ZP = None      # folder of the generated Z' samples
HZZ = None     # folder of the generated H->ZZ*->4l samples


def check(ok, what, detail=""):
    print(f"[{'ok  ' if ok else 'FAIL'}] {what}" + (f"\n        {detail}" if detail and not ok else ""), flush=True)
    if not ok:
        FAILURES.append(f"{what}: {detail}")
    return ok


def run(*args, timeout=300):
    p = subprocess.run([EVCLASS, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def zprime_config(name, *, sample_extra="", background_cut="4.5 < Zp_M_beforeFit && Zp_M_beforeFit < 5.5",
                  features='["Zp_cm_p_beforeFit", "P_beforeFit", "fake_PtRho_beforeFit"]', model='type = "logistic_regression"\nC = 1.0',
                  signal_file=None, signal_selection="Zp_tau_0_dau_genMotherPDG == 26 && Zp_tau_1_dau_genMotherPDG == 26",
                  top=""):
    signal_file = signal_file or f"{ZP}/reduced_signal_forTraining.root"
    text = f"""{top}[run]
name = "{name}"
seed = 42

[[sample]]
name = "signal"
files = ["{signal_file}"]
tree = "zp"
class = "signal"
selection = "{signal_selection}"
{sample_extra}
[[sample]]
name = "background"
files = ["{ZP}/reduced_background_forTraining.root"]
tree = "zp"
class = "background"

[selection.class]
background = "{background_cut}"

[features]
use = {features}

[split]
method = "random"
train = 0.7
test = 0.3

[[model]]
name = "lr"
{model}
"""
    path = os.path.join(SCRATCH, name + ".toml")
    with open(path, "w") as f:
        f.write(text)
    return path, text


def expect_error(what, args, must_contain, *, regex=None, extra=None):
    """Runs evclass; expects exit 1, every string of must_contain in its stderr (+stdout), no
    'internal error' and no traceback-like output. extra(message) may add checks; returns message."""
    code, out, err = run(*args)
    msg = err + out
    print(f"--- {what}: exit {code}\n" + "\n".join("    | " + l for l in msg.rstrip().splitlines()[:12]))
    check(code == 1, f"{what}: exit status 1", f"got {code}")
    missing = [s for s in must_contain if s not in msg]
    check(not missing, f"{what}: message names {must_contain}", f"missing {missing} in: {msg!r}")
    if regex:
        check(re.search(regex, msg) is not None, f"{what}: message matches /{regex}/", repr(msg))
    bad = [s for s in ("internal error", "Traceback", "Please report this bug", "terminate called",
                       "Segmentation", "Aborted") if s in msg]
    check(not bad, f"{what}: no internal error / crash text", f"found {bad} in {msg!r}")
    check(len(msg.strip().splitlines()) <= 12, f"{what}: a short message (<= 12 lines)",
          f"{len(msg.strip().splitlines())} lines")
    if extra:
        extra(msg)
    return msg


def line_of(text, needle):
    """1-based line number of the first line of text containing needle."""
    for i, l in enumerate(text.splitlines(), 1):
        if needle in l:
            return i
    raise AssertionError(needle)


def main():
    global ZP, HZZ
    if os.path.isdir(SCRATCH):
        shutil.rmtree(SCRATCH)
    os.makedirs(SCRATCH)
    ZP, HZZ = os.path.join(SCRATCH, "zprime"), os.path.join(SCRATCH, "hzz4l")
    for args in (("generate", "zprime", "--out", ZP, "--events", "3000"),
                 ("generate", "hzz4l", "--out", HZZ, "--events", "2000")):
        code, out, err = run(*args)
        if code != 0:
            print(out, err)
            print(f"FAIL: evclass {' '.join(args)} exited with {code}")
            return 1

    # A config that works, as the baseline of the broken ones (and the model for apply).
    good, _ = zprime_config("good")
    code, out, err = run("train", good, "--out", os.path.join(SCRATCH, "good_run"))
    if not check(code == 0, "baseline config trains", err[-2000:]):
        return 1

    # 1. A typo'd key: names file, line and key path, and suggests the right key.
    path, text = zprime_config("typo_key", sample_extra='selction = "P_beforeFit > 0"\n')
    ln = line_of(text, "selction")
    expect_error("typo'd key", ["train", path],
                 ["typo_key.toml", "selction", "unknown key", "did you mean 'selection'"],
                 regex=rf"typo_key\.toml:{ln}:\d+")

    # 2. An unknown branch in a feature: names it and the closest branch.
    path, text = zprime_config("unknown_branch", features='["Zp_cm_p_beforeFit", "P_beforFit"]')
    expect_error("unknown branch in a feature", ["train", path], ["P_beforFit", "P_beforeFit"],
                 regex=r"did you mean[^\n]*P_beforeFit")

    # 3. A syntax error in a cut: the expression is shown with a caret under the mistake.
    path, text = zprime_config("syntax_cut", background_cut="Zp_M_beforeFit > > 4.5")

    def caret_under_mistake(msg):
        lines = msg.splitlines()
        carets = [i for i, l in enumerate(lines) if l.strip() == "^"]
        if not check(bool(carets) and carets[0] > 0, "cut syntax error: a line with only a caret",
                     repr(msg)):
            return
        i = carets[0]
        col = lines[i].index("^")
        above = lines[i - 1]
        check("Zp_M_beforeFit > > 4.5" in above and col < len(above) and above[col] == ">"
              and above[col:].startswith("> 4.5") and above.count(">") == 2,
              "cut syntax error: the caret is under the second '>'",
              f"{above!r}\n        {lines[i]!r}")
    ln = line_of(text, "> > 4.5")
    expect_error("syntax error in a cut", ["train", path], ["syntax_cut.toml"],
                 regex=rf"syntax_cut\.toml:{ln}:\d+", extra=caret_under_mistake)

    # 4. A list used as a feature (hzz4l: lep_pt is a vector per event).
    hzz_cfg = os.path.join(SCRATCH, "list_feature.toml")
    hzz_text = f"""[[sample]]
name = "ggH125_ZZ4lep"
files = ["{HZZ}/ggH125_ZZ4lep.root"]
tree = "mini"
class = "signal"

[[sample]]
name = "ZZ"
files = ["{HZZ}/ZZ.root"]
tree = "mini"
class = "background"

[features]
use = ["lep_n", "lep_pt"]

[[model]]
type = "logistic_regression"
"""
    with open(hzz_cfg, "w") as f:
        f.write(hzz_text)
    expect_error("a list as a feature", ["train", hzz_cfg], ["lep_pt", "list"],
                 regex=r"lep_pt\[0\]|sum\(lep_pt\)|max\(lep_pt\)|one value per")

    # 5. An unknown model type: suggests the right one.
    path, text = zprime_config("unknown_model", model='type = "logistic_regresion"')
    expect_error("unknown model type", ["train", path], ["logistic_regresion", "logistic_regression"],
                 regex=rf"unknown_model\.toml:{line_of(text, 'logistic_regresion')}:\d+")

    # 6. A bad hyper-parameter: C must be > 0. docs/config.md ([[model]]): "a misspelt or
    # out-of-range one is an error with the config line where it was written".
    path, text = zprime_config("bad_c", model='type = "logistic_regression"\nC = -1')
    expect_error("hyper-parameter C = -1", ["train", path], ["C", "-1"],
                 regex=rf"bad_c\.toml:{line_of(text, 'C = -1')}:\d+[^\n]*(> 0|positive|must be)")
    path, text = zprime_config("misspelt_param", model='type = "logistic_regression"\nCC = 1.0')
    expect_error("misspelt hyper-parameter CC", ["train", path], ["CC", "did you mean 'C'"],
                 regex=rf"misspelt_param\.toml:{line_of(text, 'CC = 1.0')}:\d+")

    # 7. A class with no event after its cut.
    path, text = zprime_config("empty_class", background_cut="Zp_M_beforeFit > 1000")
    expect_error("class with no events after the cut", ["train", path], ["background", "selection"],
                 regex=r"(?i)no (event|background)")

    # 8. A sample file that does not exist.
    path, text = zprime_config("missing_file", signal_file=f"{ZP}/reduced_signal_forTrainin.root")
    expect_error("sample file that does not exist", ["train", path],
                 ["reduced_signal_forTrainin.root"],
                 regex=r"(matches no file|does not exist|not found|No such file|cannot open)")

    # 9. apply on corrupt model files.
    model = os.path.join(SCRATCH, "good_run", "models", "lr.json")
    data_file = os.path.join(ZP, "reduced_signal_forApplication.root")
    raw = open(model, "rb").read()
    truncated = os.path.join(SCRATCH, "truncated.json")
    with open(truncated, "wb") as f:
        f.write(raw[: len(raw) // 2])
    expect_error("apply: truncated model JSON", ["apply", truncated, data_file, "--out", os.path.join(SCRATCH, "ap1")],
                 ["truncated.json", "not a valid evclass model file"])
    doc = json.loads(raw)
    doc["version"] = 99
    wrong = os.path.join(SCRATCH, "wrong_version.json")
    with open(wrong, "w") as f:
        json.dump(doc, f)
    expect_error("apply: model of another version", ["apply", wrong, data_file, "--out", os.path.join(SCRATCH, "ap2")],
                 ["wrong_version.json", "version", "99"])
    check(not os.path.exists(os.path.join(SCRATCH, "ap1", "reduced_signal_forApplication_scores.root"))
          and not os.path.exists(os.path.join(SCRATCH, "ap2", "reduced_signal_forApplication_scores.root")),
          "apply with a corrupt model writes no scores file")

    # 10. apply --parameter: a malformed option, a value that is not a number, a repeated value,
    # and a name that is not a feature of the model.
    for what, option, needles in [
            ("no values", "Zp_cm_p_beforeFit", ["NAME=VALUE"]),
            ("not a number", "Zp_cm_p_beforeFit=abc", ["'abc' is not a number"]),
            ("a value twice", "Zp_cm_p_beforeFit=1,1", ["given twice"]),
            ("not a feature", "Zp_cm_p_beforeFi=1", ["Zp_cm_p_beforeFi", "did you mean 'Zp_cm_p_beforeFit'"])]:
        expect_error(f"apply --parameter {what}",
                     ["apply", model, data_file, "--parameter", option, "--out", os.path.join(SCRATCH, "ap3")],
                     needles)
    check(not os.path.exists(os.path.join(SCRATCH, "ap3", "reduced_signal_forApplication_scores.root")),
          "apply with a bad --parameter writes no scores file")

    # The good model does apply (so the failures above are about the files, not the command).
    code, out, err = run("apply", model, data_file, "--out", os.path.join(SCRATCH, "ap_ok"))
    check(code == 0 and os.path.exists(os.path.join(SCRATCH, "ap_ok", "reduced_signal_forApplication_scores.root")),
          "apply with the intact model succeeds", err[-2000:])

    print(f"\n{len(FAILURES)} failure(s) in {time.time() - T0:.1f} s")
    for f in FAILURES:
        print("  FAILED:", f)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

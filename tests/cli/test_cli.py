#!/usr/bin/env python3
"""End-to-end tests of the evclass program: exit statuses, outputs and error messages.

Usage: test_cli.py EVCLASS_PROGRAM SHARED_DATA_DIR   (exit 77 = skipped when the data are absent)
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

EVCLASS = sys.argv[1] if len(sys.argv) > 1 else "evclass"
DATA = sys.argv[2] if len(sys.argv) > 2 else "../shared/data/root"


def run(*args):
    p = subprocess.run([EVCLASS, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def data(name):
    return os.path.join(DATA, name)


class Inspect(unittest.TestCase):
    def test_listing_names_trees_cycles_branches_and_other_objects(self):
        code, out, err = run("inspect", data("tree_cycles_hist.root"))
        self.assertEqual(code, 0, err)
        self.assertIn("TTree Events;2 (other cycles: 1)", out)
        self.assertIn("Jet_pt", out)
        self.assertIn("vector<float>", out)
        self.assertIn("myTH2F;1  TH2F", out)

    def test_nested_directories_are_listed_by_path(self):
        code, out, _ = run("inspect", data("uproot-nesteddirs.root"))
        self.assertEqual(code, 0)
        for path in ("one/two/tree;1", "one/tree;1", "three/tree;1"):
            self.assertIn(path, out)

    def test_stats_json_has_the_reference_layout(self):
        code, out, _ = run("inspect", data("uproot-leaflist.root"), "--stats", "--json")
        self.assertEqual(code, 0)
        doc = json.loads(out)
        tree = doc["trees"][0]
        self.assertEqual((tree["path"], tree["cycle"], tree["entries"]), ("tree", 1, 5))
        branch = tree["branches"][0]
        self.assertEqual(branch["name"], "leaflist")
        self.assertEqual(branch["nValues"], 15)
        self.assertEqual(branch["first5"], [1.1, 1, 97, 2.2, 2])
        self.assertEqual([l["name"] for l in branch["leaves"]], ["x", "y", "z"])
        self.assertEqual(branch["leaves"][2]["sum"], 495)

    def test_tree_option_selects_one_tree(self):
        code, out, _ = run("inspect", data("uproot-nesteddirs.root"), "--tree", "one/tree", "--json")
        self.assertEqual(code, 0)
        self.assertEqual([t["path"] for t in json.loads(out)["trees"]], ["one/tree"])

    def test_rntuple_only_file_gives_empty_trees_and_a_note(self):
        code, out, err = run("inspect", data("ntpl001_staff_rntuple_v1-0-0-0.root"), "--stats", "--json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)["trees"], [])
        self.assertIn("holds no TTree", err)
        self.assertIn("Staff", err)


class Errors(unittest.TestCase):
    def assert_one_error(self, code, err, kind, *fragments):
        self.assertEqual(code, 1, err)
        self.assertTrue(err.startswith(f"evclass: {kind}: "), err)
        self.assertEqual(err.count("evclass: "), 1, err)
        for f in fragments:
            self.assertIn(f, err)

    def test_missing_file(self):
        code, _, err = run("inspect", "/nonexistent/file.root")
        self.assert_one_error(code, err, "IoError", "/nonexistent/file.root", "No such file")

    def test_missing_tree_suggests_the_closest(self):
        code, _, err = run("inspect", data("uproot-HZZ-zstd.root"), "--tree", "event")
        self.assert_one_error(code, err, "KeyNotFound", "no tree 'event'", "did you mean 'events'")

    def test_missing_branch_suggests_the_closest(self):
        with tempfile.TemporaryDirectory() as tmp:
            code, _, err = run("dump", data("uproot-HZZ-zstd.root"), "--tree", "events", "--branches", "Muon_px",
                               "--csv", os.path.join(tmp, "out.csv"))
            self.assert_one_error(code, err, "KeyNotFound", "no branch 'Muon_px'", "'Muon_Px'")
            self.assertEqual(os.listdir(tmp), [], "no output file, not even a temporary one, after an error")

    def test_not_a_root_file(self):
        with tempfile.NamedTemporaryFile(suffix=".root") as f:
            f.write(b"this is plain text\n" * 10)
            f.flush()
            code, _, err = run("inspect", f.name)
            self.assert_one_error(code, err, "CorruptFile", "not a ROOT file", f.name)

    def test_truncated_file_names_offset_and_object(self):
        with open(data("uproot-HZZ-zstd.root"), "rb") as src, tempfile.NamedTemporaryFile(suffix=".root") as f:
            f.write(src.read()[:200000])
            f.flush()
            code, _, err = run("inspect", f.name, "--stats")
            self.assert_one_error(code, err, "CorruptFile", f.name)
            self.assertRegex(err, r"offset \d+")

    def test_unknown_option_is_a_usage_error(self):
        code, _, err = run("inspect", data("uproot-leaflist.root"), "--stat")
        self.assertNotEqual(code, 0)
        self.assertIn("--stat", err)


class Dump(unittest.TestCase):
    def test_scalars_strings_and_jagged_columns(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "one.csv")
            code, _, err = run("dump", data("uproot-nesteddirs.root"), "--tree", "one/tree", "--csv", out)
            self.assertEqual(code, 0, err)
            with open(out) as f:
                rows = list(csv.reader(f))
            self.assertEqual(rows[0], ["one", "two", "three"])
            self.assertEqual(rows[1], ["1", "1.1", "uno"])
            self.assertEqual(rows[4], ["4", "4.4", "quatro"])
            out2 = os.path.join(tmp, "hzz.csv")
            code, _, err = run("dump", data("uproot-HZZ-zstd.root"), "--tree", "events", "--branches",
                               "NMuon,Muon_Px", "--entries", "3", "--max-items", "2", "--csv", out2)
            self.assertEqual(code, 0, err)
            with open(out2) as f:
                rows = list(csv.reader(f))
            self.assertEqual(rows[0], ["NMuon", "Muon_Px_n", "Muon_Px[0]", "Muon_Px[1]"])
            self.assertEqual(len(rows), 4)
            for row in rows[1:]:
                n = int(row[0])
                self.assertEqual(int(row[1]), n)  # the jagged length equals the counter branch
                self.assertEqual(sum(1 for v in row[2:] if v != ""), min(n, 2))

    def test_csv_to_stdout(self):
        code, out, _ = run("dump", data("uproot-leaflist.root"), "--csv", "-")
        self.assertEqual(code, 0)
        rows = list(csv.reader(io.StringIO(out)))
        self.assertEqual(rows[0], ["leaflist.x", "leaflist.y", "leaflist.z"])
        self.assertEqual(rows[5], ["5.5", "5", "101"])


if __name__ == "__main__":
    if not os.path.isdir(DATA):
        print(f"SKIP: {DATA} is not beside this checkout")
        sys.exit(77)
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)

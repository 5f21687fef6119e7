"""The side-by-side harness gives each framework the same settings, runs each side in each of
them with that setting's environment, and judges each side by its fastest (bench/thread_settings.py,
bench/side_by_side.py). Run by ctest (`bench_side_by_side`); needs only the standard library: the
two sides here are a stand-in program that reports its environment, not recur and PyTorch.
"""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "bench"))
import side_by_side  # noqa: E402
import thread_settings  # noqa: E402

# A job program that reports its setting and a throughput that depends on it: recur (no
# --torch-worker) is fastest with ACTIVE waiting, the PyTorch side with the policy unset, and
# both are slowest on one thread.
STAND_IN = r'''
import json, os, sys
policy = os.environ.get("OMP_WAIT_POLICY", "unset")
threads = int(os.environ["OMP_NUM_THREADS"])
torch = "--torch-worker" in sys.argv
best = "unset" if torch else "ACTIVE"
speed = 100.0 if threads == 1 else (300.0 if policy == best else 200.0)
print(json.dumps({"units_per_s": speed, "cpu_units_per_s": speed / threads, "peak_bytes": 1048576 * (50 if torch else 40),
                  "policy": policy, "threads": threads, "flag_threads": int(sys.argv[sys.argv.index("--threads") + 1]),
                  "openblas": os.environ["OPENBLAS_NUM_THREADS"], "torch": torch}))
'''


class ThreadSettings(unittest.TestCase):
    def test_every_framework_gets_the_same_number_of_settings(self):
        for threads, count in ((1, 1), (2, 3), (4, 3)):
            for kind in thread_settings.POLICIES:
                self.assertEqual(len(thread_settings.candidates(kind, threads)), count, kind)
                self.assertEqual(len(thread_settings.candidates(kind, threads, True)), 1, kind)

    def test_one_thread_is_always_a_candidate_on_more_cores(self):
        for kind in thread_settings.POLICIES:
            self.assertIn(1, [t for t, _ in thread_settings.candidates(kind, 2)], kind)

    def test_environment_of_a_setting(self):
        base = {"OMP_WAIT_POLICY": "ACTIVE", "PATH": "/bin"}
        unset = thread_settings.env((2, thread_settings.UNSET), base)
        self.assertNotIn("OMP_WAIT_POLICY", unset)
        self.assertEqual((unset["OMP_NUM_THREADS"], unset["OPENBLAS_NUM_THREADS"]), ("2", "2"))
        self.assertEqual(thread_settings.env((2, "PASSIVE"), base)["OMP_WAIT_POLICY"], "PASSIVE")
        self.assertEqual(base["OMP_WAIT_POLICY"], "ACTIVE")  # the base is not modified
        self.assertEqual(thread_settings.label((1, "PASSIVE")), "1")
        self.assertEqual(thread_settings.label((2, "ACTIVE")), "2 ACTIVE")


class Driver(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.exe = os.path.join(self.folder.name, "stand_in.py")
        with open(self.exe, "w") as f:
            f.write("#!" + sys.executable + "\n" + STAND_IN)
        os.chmod(self.exe, 0o755)
        self.saved_python = side_by_side.TORCH_PYTHON
        side_by_side.TORCH_PYTHON = sys.executable

    def tearDown(self):
        side_by_side.TORCH_PYTHON = self.saved_python
        self.folder.cleanup()

    def run_driver(self, jobs, threads):
        flags = lambda job, n: ["--job", job, "--threads", str(n)]
        with redirect_stderr(io.StringIO()):
            return side_by_side.interleave(self.exe, self.exe, jobs, threads, 2, flags)

    def test_each_side_runs_in_each_setting_with_its_environment(self):
        job = side_by_side.Job("train", "steps/s", 2.0)
        results, _ = self.run_driver([job], [1, 2])
        for side, policies in (("recur", ["PASSIVE", "ACTIVE"]), ("torch", ["PASSIVE", "unset"])):
            self.assertEqual(sorted(label for (_, n, s, label) in results if s == side and n == 2),
                             sorted(["1"] + [f"2 {p}" for p in policies]))
            for (_, n, s, label), outs in results.items():
                if s != side:
                    continue
                self.assertEqual(len(outs), 2)  # one per run
                for out in outs:
                    self.assertEqual(out["torch"], side == "torch")
                    self.assertEqual(out["threads"], out["flag_threads"])
                    self.assertEqual(out["openblas"], str(out["threads"]))
                    self.assertEqual(thread_settings.label((out["threads"], out["policy"])), label)

    def test_each_side_is_judged_by_its_fastest_setting(self):
        job = side_by_side.Job("train", "steps/s", 2.0)
        results, _ = self.run_driver([job], [2])
        self.assertEqual(side_by_side.fastest(results, job, 2, "recur"), ("2 ACTIVE", 300.0))
        self.assertEqual(side_by_side.fastest(results, job, 2, "torch"), ("2 unset", 300.0))
        self.assertEqual(side_by_side.fastest(results, job, 1, "recur"), (None, None))

    def test_lower_is_better_job_runs_once_at_one_thread_and_inverts_the_ratio(self):
        memory = side_by_side.Job("memory", "MiB", 1.0, value_key="peak_bytes",
                                  scale=1 / 1048576, lower_is_better=True, one_thread_only=True,
                                  cpu_key="")
        results, loads = self.run_driver([memory], [2])
        self.assertEqual({(n, label) for (_, n, _, label) in results}, {(1, "1")})
        self.assertEqual(side_by_side.fastest(results, memory, 1, "recur"), ("1", 40.0))
        self.assertAlmostEqual(memory.ratio(40.0, 50.0), 1.25)  # PyTorch / recur
        table = io.StringIO()
        with redirect_stdout(table):
            side_by_side.print_table(results, loads, [memory], [2], 2, "now")
        row = [line for line in table.getvalue().splitlines() if line.startswith("| memory")]
        self.assertEqual(len(row), 1)
        self.assertIn("| 40.0 | 50.0 | 1.25x |", row[0])

    def test_table_names_each_sides_fastest_setting(self):
        job = side_by_side.Job("train", "steps/s", 2.0)
        results, loads = self.run_driver([job], [2])
        table = io.StringIO()
        with redirect_stdout(table):
            side_by_side.print_table(results, loads, [job], [2], 2, "now")
        row = [line for line in table.getvalue().splitlines() if line.startswith("| train")][0]
        self.assertIn("| 300 | 300 | 1.00x | >= 2x | no |", row)
        self.assertTrue(row.endswith("| 2 ACTIVE / 2 unset |"), row)

    def test_written_json_keeps_every_setting(self):
        job = side_by_side.Job("train", "steps/s", 2.0)
        results, _ = self.run_driver([job], [2])
        path = os.path.join(self.folder.name, "out.json")
        side_by_side.write_json(path, results)
        with open(path) as f:
            rows = json.load(f)
        self.assertEqual(len(rows), 6)  # 2 sides x 3 settings
        self.assertTrue(all(len(r["runs"]) == 2 for r in rows))


if __name__ == "__main__":
    unittest.main()

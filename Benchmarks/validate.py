#!/usr/bin/env python3
"""Benchmarks `tarsctl validate` against kubernetes-validate and checkov on the same 10,000 objects.

Generates 100 files of 100 objects each (Deployments, Services, ConfigMaps, StatefulSets,
Ingresses, HPAs, ... from scripts/gen-validate-corpus.py's valid bases), times tarsctl (release
build, best of 3 runs, --strict, schema check and security scan) and, in the same run,
kubernetes-validate's CLI (schema) and `checkov --framework kubernetes` (security checks).
Both references are slow, so by default each runs on two samples (15 and 30 files; with
smaller ones start-up noise dominates the slope) and its time for the full set is extrapolated along the line through the two points (fixed start-up cost plus
a per-object cost; the output says so); --full runs them on everything.
Targets: tarsctl < 2 s for 10,000 objects and >= 50x faster than each. Exit status 1 when missed.

Usage: Benchmarks/validate.py [--tarsctl PATH] [--sample FILES] [--full]
       (without --tarsctl: swift build -c release --product tarsctl first)
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def bases():
    spec = importlib.util.spec_from_file_location("corpus", os.path.join(REPO, "scripts", "gen-validate-corpus.py"))
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    return list(corpus.BASES.values())


def generate(directory, files=100, per_file=100):
    import copy
    objs = bases()
    n = 0
    for f in range(files):
        docs = []
        for i in range(per_file):
            o = copy.deepcopy(objs[n % len(objs)])
            o["metadata"]["name"] = "obj-%d" % n
            docs.append(o)
            n += 1
        with open(os.path.join(directory, "objects-%03d.yaml" % f), "w") as out:
            yaml.safe_dump_all(docs, out, sort_keys=False)
    return n


def timed(cmd):
    """Wall time of `cmd` with its output going to files, as a CI job's report would; the output
    is read back after the clock stops, so Python's reading and decoding of a large report (26 MB
    for tarsctl's text report) is not counted against the command being measured."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        code = subprocess.run(cmd, stdout=out, stderr=err).returncode
        elapsed = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        r = subprocess.CompletedProcess(cmd, code, out.read().decode("utf-8", "replace"),
                                        err.read().decode("utf-8", "replace"))
    return elapsed, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tarsctl")
    ap.add_argument("--sample", type=int, default=15, help="files (of 100 objects) given to kubernetes-validate")
    ap.add_argument("--full", action="store_true", help="run kubernetes-validate on all 10,000 objects")
    args = ap.parse_args()
    tarsctl = args.tarsctl
    if not tarsctl:
        subprocess.run(["swift", "build", "-c", "release", "--product", "tarsctl"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
        tarsctl = os.path.join(REPO, ".build", "release", "tarsctl")

    work = tempfile.mkdtemp(prefix="validate-bench-")
    try:
        total = generate(work)
        files = sorted(os.path.join(work, f) for f in os.listdir(work))
        t, r = timed([tarsctl, "validate", "--strict", "--no-security", work])
        if r.returncode != 0:
            sys.exit("generated objects are not schema-valid (%d):\n%s%s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        runs = []
        for _ in range(3):
            t, r = timed([tarsctl, "validate", "--strict", work])
            # 3 is "problems found": the security scan flags some of the generated workloads.
            if r.returncode not in (0, 3):
                sys.exit("tarsctl validate failed (%d):\n%s%s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
            runs.append(t)
        ours = min(runs)
        last_line = r.stdout.strip().splitlines()[-1]

        refs = [
            ("kubernetes-validate --strict", lambda fs: [sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet"] + fs, (0,)),
            ("checkov --framework kubernetes", lambda fs: ["checkov", "--framework", "kubernetes", "--quiet", "--compact",
                                                          "--skip-download"] + sum((["-f", f] for f in fs), []), (0, 1)),
        ]
        print("objects: %d in %d files (%s)" % (total, len(files), last_line))
        print("tarsctl validate --strict (schema + security): %.3f s (best of 3: %s), %.0f objects/s"
              % (ours, ", ".join("%.3f" % x for x in runs), total / ours))
        ok = ours < 2.0
        for name, command, good in refs:
            if args.full:
                t_full, r_ref = timed(command(files))
                if r_ref.returncode not in good:
                    sys.exit("%s failed (%d):\n%s" % (name, r_ref.returncode, (r_ref.stdout + r_ref.stderr)[-2000:]))
                print("%s: %.2f s on all %d objects" % (name, t_full, total))
            else:
                points = []
                for n in (args.sample, 2 * args.sample):
                    t, r_ref = timed(command(files[:n]))
                    if r_ref.returncode not in good:
                        sys.exit("%s failed (%d):\n%s" % (name, r_ref.returncode, (r_ref.stdout + r_ref.stderr)[-2000:]))
                    points.append((n * total // len(files), t))
                (n1, t1), (n2, t2) = points
                per_object = max((t2 - t1) / (n2 - n1), 0)
                t_full = t1 + per_object * (total - n1)
                print("%s: %.2f s on %d objects, %.2f s on %d; extrapolated to %d objects: %.1f s"
                      % (name, t1, n1, t2, n2, total, t_full))
            ratio = t_full / ours
            print("ratio: tarsctl is %.0fx faster than %s (target >= 50x)" % (ratio, name))
            ok = ok and ratio >= 50
        print("targets: %s (tarsctl < 2 s: %s)" % ("met" if ok else "MISSED", ours < 2.0))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

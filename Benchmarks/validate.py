#!/usr/bin/env python3
"""Benchmarks `tarsctl validate` against kubernetes-validate on the same 10,000 objects.

Generates 100 files of 100 objects each (Deployments, Services, ConfigMaps, StatefulSets,
Ingresses, HPAs, ... from scripts/gen-validate-corpus.py's valid bases), times tarsctl (release
build, best of 3 runs, --strict) and kubernetes-validate's CLI in the same run. kubernetes-validate
re-reads its schema files for every object, so by default it runs on a sample of the files and
the time is scaled to the full set (the output says so); --full runs it on everything.
Targets: tarsctl < 2 s for 10,000 objects and >= 50x faster. Exit status 1 when one is missed.

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
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - t0, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tarsctl")
    ap.add_argument("--sample", type=int, default=5, help="files (of 100 objects) given to kubernetes-validate")
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
        runs = []
        for _ in range(3):
            t, r = timed([tarsctl, "validate", "--strict", work])
            if r.returncode != 0:
                sys.exit("tarsctl validate failed (%d):\n%s%s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
            runs.append(t)
        ours = min(runs)
        last_line = r.stdout.strip().splitlines()[-1]

        sample = files if args.full else files[:args.sample]
        sample_objects = total * len(sample) // len(files)
        t_ref, r_ref = timed([sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet"] + sample)
        if r_ref.returncode != 0:
            sys.exit("kubernetes-validate failed (%d):\n%s" % (r_ref.returncode, r_ref.stdout[-2000:]))
        ref_full = t_ref * total / sample_objects
        ratio = ref_full / ours

        print("objects: %d in %d files (%s)" % (total, len(files), last_line))
        print("tarsctl validate --strict: %.3f s (best of 3: %s), %.0f objects/s"
              % (ours, ", ".join("%.3f" % x for x in runs), total / ours))
        if args.full:
            print("kubernetes-validate --strict: %.2f s on all %d objects" % (t_ref, total))
        else:
            print("kubernetes-validate --strict: %.2f s on a sample of %d objects (%d files), "
                  "scaled to %d objects: %.1f s" % (t_ref, sample_objects, len(sample), total, ref_full))
        print("ratio: tarsctl is %.0fx faster than kubernetes-validate (target >= 50x)" % ratio)
        ok = ours < 2.0 and ratio >= 50
        print("targets: %s (< 2 s: %s, >= 50x: %s)" % ("met" if ok else "MISSED", ours < 2.0, ratio >= 50))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

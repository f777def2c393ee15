#!/usr/bin/env python3
"""A/B of two tarsctl binaries on one background sandbox: the T.A.R.S. chart (Values/dev.yaml)
installed without waiting (with and without its post-install hook Job), then upgraded with no
change. The two binaries take turns going first; each run is a fresh namespace. Prints the median
wall time and CPU time (user + sys, from the children's rusage) of each, and B/A ratios.

Usage: Benchmarks/install-ab.py BEFORE_TARSCTL AFTER_TARSCTL [runs, default 15]
(for example a release build of main and of a branch: swift build -c release --product tarsctl)."""
import os, random, resource, statistics, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
before, after = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
work = tempfile.mkdtemp()
subprocess.run(["timeout", "30", after, "sandbox", "up", "--data-dir", work + "/data", "--port", str(20000 + random.randrange(20000)),
                "--kubeconfig", work + "/kubeconfig", "--ready-delay-ms", "100"], check=True, stdout=subprocess.DEVNULL)
env = dict(os.environ, KUBECONFIG=work + "/kubeconfig", HOME=work)
results = {}
failures = []


def run(binary, label, namespace, *arguments):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    p = subprocess.run(["timeout", "60", binary, *arguments, "tars", root, "-f", root + "/Values/dev.yaml", "-n", namespace],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1, r1 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        # Counted, not fatal: a hooked install now and then outlives the 60 s bound (either binary).
        failures.append(f"{binary} {' '.join(arguments)} -n {namespace}: exit {p.returncode}: {p.stderr.decode().strip()[-300:]}")
        return
    cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
    results.setdefault(label, []).append(((t1 - t0) * 1000, cpu * 1000))


try:
    for binary, name in ((before, "w0"), (after, "w1")):  # warm-up: page cache, sandbox discovery
        run(binary, "warm-up", name, "install", "--create-namespace", "--no-wait", "--no-hooks")
    for i in range(runs):
        order = [(before, "A"), (after, "B")] if i % 2 == 0 else [(after, "B"), (before, "A")]
        for binary, side in order:
            run(binary, f"{side} install --no-wait --no-hooks", f"{side.lower()}n{i}", "install", "--create-namespace", "--no-wait", "--no-hooks")
        for binary, side in order:
            run(binary, f"{side} upgrade, no change", f"{side.lower()}n{i}", "upgrade")
        for binary, side in order:
            run(binary, f"{side} install --no-wait (hook Job)", f"{side.lower()}h{i}", "install", "--create-namespace", "--no-wait")
    for f in failures:
        print("failed (left out):", f)
    print(f"A = {before}\nB = {after}\nmedians of {runs} runs, {os.cpu_count()} cores")
    for case in ("install --no-wait --no-hooks", "install --no-wait (hook Job)", "upgrade, no change"):
        a, b = results["A " + case], results["B " + case]
        wa, wb = statistics.median(x[0] for x in a), statistics.median(x[0] for x in b)
        ca, cb = statistics.median(x[1] for x in a), statistics.median(x[1] for x in b)
        print(f"{case:32} wall A {wa:6.1f} ms  B {wb:6.1f} ms  B/A {wb / wa:4.2f}   CPU A {ca:6.1f} ms  B {cb:6.1f} ms  B/A {cb / ca:4.2f}")
finally:
    subprocess.run([after, "sandbox", "down", "--data-dir", work + "/data"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

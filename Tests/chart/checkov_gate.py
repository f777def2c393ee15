#!/usr/bin/env python3
"""Reads checkov's JSON report and fails on the checks the chart promises to pass.

Gated everywhere: CKV_K8S_10 11 12 13 16 17 18 19 20 25 28 29 37 38 40 (resources, privilege,
host namespaces, capabilities, security contexts, token mounting, high UID).
Gated on the backend only: CKV_K8S_8 9 (probes) and 22 (read-only root filesystem); hook pods
(migration, test) serve no traffic. Not gated: CKV_K8S_43 (digests; values switch), others.
Prints a per-check summary; with CHECK_SUMMARY=FILE also appends it as a JSON line.
"""
import json
import os
import sys

EVERYWHERE = {10, 11, 12, 13, 16, 17, 18, 19, 20, 25, 28, 29, 37, 38, 40}
BACKEND_ONLY = {8, 9, 22}


def number(check_id):
    try:
        return int(check_id.rsplit("_", 1)[1]) if check_id.startswith("CKV_K8S_") else None
    except ValueError:
        return None


def main(path, manifest):
    with open(path) as handle:
        text = handle.read().strip()
    if not text:
        print("checkov produced no report for %s" % manifest, file=sys.stderr)
        return 1
    data = json.loads(text)
    if isinstance(data, list):
        data = data[0]
    results = data.get("results") if isinstance(data, dict) else None
    if not results:
        print("checkov found nothing to check in %s" % manifest, file=sys.stderr)
        return 1
    counts = {}
    problems = []
    for state in ("passed_checks", "failed_checks"):
        for item in results.get(state, []):
            cid = item["check_id"]
            slot = counts.setdefault(cid, [0, 0])
            slot[0 if state == "passed_checks" else 1] += 1
            n = number(cid)
            if state == "failed_checks" and n is not None:
                backend = item["resource"].endswith("-backend")
                if n in EVERYWHERE or (n in BACKEND_ONLY and backend):
                    problems.append("%s %s: %s" % (cid, item["resource"], item["check_name"]))
    gated = {"CKV_K8S_%d" % n for n in EVERYWHERE | BACKEND_ONLY}
    missing = sorted(g for g in gated if g not in counts)
    # Every gated check must have looked at something, or the gate proves nothing.
    for cid in missing:
        problems.append("%s never ran on %s" % (cid, manifest))
    summary = {cid: {"passed": p, "failed": f} for cid, (p, f) in sorted(counts.items())}
    line = " ".join("%s=%d/%d" % (cid.replace("CKV_K8S_", "K8S_"), p, f)
                    for cid, (p, f) in sorted(counts.items(), key=lambda kv: (len(kv[0]), kv[0]))
                    if cid.startswith("CKV_K8S_") and number(cid) in gated_numbers() | {43, 15, 35, 153})
    print("checkov %s (passed/failed): %s" % (os.path.basename(manifest), line))
    if os.environ.get("CHECK_SUMMARY"):
        with open(os.environ["CHECK_SUMMARY"], "a") as handle:
            handle.write(json.dumps({"manifest": manifest, "checks": summary}) + "\n")
    for problem in problems:
        print("checkov: " + problem, file=sys.stderr)
    return 1 if problems else 0


def gated_numbers():
    return EVERYWHERE | BACKEND_ONLY


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

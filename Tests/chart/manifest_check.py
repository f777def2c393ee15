#!/usr/bin/env python3
"""Checks a rendered manifest against the chart's promises that the generic tools do not know:

- the ConfigMap <fullname>-config holds exactly the ConfigMap variables of
  server/environment-variables.txt (those not in the Secret), and the Secret exactly
  JWT_SECRET_KEY, POSTGRES_PASSWORD, ADMIN_CLIENT_IDS, all values strings;
- the backend Deployment and the migration Job load both with envFrom;
- every container (init containers too) has CPU and memory requests and limits;
- every Deployment container that exposes a port has liveness and readiness probes;
- every image has a pinned tag (not latest) or a digest;
- ClusterIssuers (no Kubernetes schema for them) carry an ACME server, e-mail, account key
  and a solver.
Usage: manifest_check.py RENDERED.yaml [--release tars]. Exit 1 listing the problems.
"""
import argparse
import base64
import os
import sys

import yaml

SECRET_KEYS = {"JWT_SECRET_KEY", "POSTGRES_PASSWORD", "ADMIN_CLIENT_IDS"}
PLACEHOLDERS = ("changeme", "change-me", "replace_with", "replace-me", "your-secret", "todo")


def pod_spec(doc):
    spec = doc.get("spec") or {}
    if doc["kind"] == "Pod":
        return spec
    return ((spec.get("template") or {}).get("spec")) or {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--release", default="tars")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--contract", default=os.path.join(here, "..", "..", "server",
                                                            "environment-variables.txt"))
    args = parser.parse_args()
    with open(args.contract) as handle:
        contract = {line.strip() for line in handle if line.strip() and not line.startswith("#")}
    config_keys = contract - SECRET_KEYS
    with open(args.manifest) as handle:
        docs = [d for d in yaml.safe_load_all(handle) if isinstance(d, dict)]
    problems = []
    fullname = args.release
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc

    cm = by_kind.get("ConfigMap", {}).get(fullname + "-config")
    if cm is None:
        problems.append("ConfigMap %s-config is missing" % fullname)
    else:
        data = cm.get("data") or {}
        for key in sorted(config_keys - set(data)):
            problems.append("ConfigMap lacks %s" % key)
        for key in sorted(set(data) - config_keys):
            problems.append("ConfigMap has %s, which is not a ConfigMap variable of the contract" % key)
        for key, value in data.items():
            if not isinstance(value, str):
                problems.append("ConfigMap %s is %r, not a string" % (key, value))

    secret_name = None
    backend = by_kind.get("Deployment", {}).get(fullname + "-backend")
    if backend is None:
        problems.append("Deployment %s-backend is missing" % fullname)
    for workload in [backend, by_kind.get("Job", {}).get(fullname + "-migrate")]:
        if workload is None:
            continue
        env_from = pod_spec(workload)["containers"][0].get("envFrom") or []
        refs = {("cm" if "configMapRef" in e else "secret"):
                (e.get("configMapRef") or e.get("secretRef"))["name"] for e in env_from}
        if refs.get("cm") != fullname + "-config":
            problems.append("%s does not load the ConfigMap with envFrom" % workload["metadata"]["name"])
        if "secret" not in refs:
            problems.append("%s does not load the Secret with envFrom" % workload["metadata"]["name"])
        secret_name = refs.get("secret", secret_name)
    secret = by_kind.get("Secret", {}).get(secret_name) if secret_name else None
    if secret is not None:
        data = secret.get("data") or {}
        if set(data) != SECRET_KEYS:
            problems.append("Secret keys are %s, want exactly %s" % (sorted(data), sorted(SECRET_KEYS)))
        for key, value in data.items():
            clear = base64.b64decode(value).decode().lower()
            if any(p in clear for p in PLACEHOLDERS):
                problems.append("Secret %s looks like a placeholder" % key)

    for doc in docs:
        if doc["kind"] not in ("Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"):
            continue
        spec = pod_spec(doc)
        where = "%s/%s" % (doc["kind"], doc["metadata"]["name"])
        for group in ("initContainers", "containers"):
            for c in spec.get(group) or []:
                res = c.get("resources") or {}
                for part in ("requests", "limits"):
                    for what in ("cpu", "memory"):
                        if what not in (res.get(part) or {}):
                            problems.append("%s %s: no %s %s" % (where, c["name"], what, part))
                image = c.get("image", "")
                tail = image.rsplit("/", 1)[-1]
                if "@sha256:" not in image and (":" not in tail or tail.endswith(":latest")):
                    problems.append("%s %s: image %r is not pinned" % (where, c["name"], image))
                if group == "containers" and doc["kind"] == "Deployment" and c.get("ports"):
                    for probe in ("livenessProbe", "readinessProbe"):
                        if probe not in c:
                            problems.append("%s %s: no %s" % (where, c["name"], probe))
    for name, issuer in by_kind.get("ClusterIssuer", {}).items():
        acme = (issuer.get("spec") or {}).get("acme") or {}
        if not str(acme.get("server", "")).startswith("https://") or "@" not in str(acme.get("email", "")) \
                or not (acme.get("privateKeySecretRef") or {}).get("name") or not acme.get("solvers"):
            problems.append("ClusterIssuer %s: incomplete acme section" % name)
    for problem in problems:
        print("manifest: %s: %s" % (args.manifest, problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

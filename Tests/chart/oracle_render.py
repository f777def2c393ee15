#!/usr/bin/env python3
"""Render the T.A.R.S. chart with the reference oracle (gotpl) the way `helm template` would.

Usage: oracle_render.py [-f VALUES.yaml]... [--notes] [--chart DIR] [--gotpl PATH]

Values: Values/values.yaml coalesced with each -f file in order (Helm's rules: maps merge
recursively, a user `null` deletes the key). Writes Helm-format output to stdout:
`---\\n# Source: tars/templates/FILE\\n` + body per non-empty template, in file-name order;
with --notes, prints the rendered NOTES.txt instead. Exits 1 with the oracle's error text when a
template fails (e.g. a `required` value is missing).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

RELEASE = {"Name": "tars", "Namespace": "tars", "IsInstall": True, "IsUpgrade": False,
           "Revision": 1, "Service": "Helm"}
# Helm's releaseutil.InstallOrder; unknown kinds go last, alphabetically by kind.
INSTALL_ORDER = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
    "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
    "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
    "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
    "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
]
SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")
CAPABILITIES = {
    "KubeVersion": {"Version": "v1.31.0", "Major": "1", "Minor": "31", "GitVersion": "v1.31.0"},
    "APIVersions": [],
    "HelmVersion": {"Version": "v3.16.0"},
}


def coalesce(base, override):
    """Helm's value coalescing: maps merge, null deletes, anything else replaces."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = coalesce(out[key], value)
        else:
            out[key] = value
    return out


def load_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def chart_data(chart_dir):
    meta = load_yaml(os.path.join(chart_dir, "Chart.yaml"))
    return {
        "Name": meta["name"], "Version": meta["version"], "AppVersion": meta.get("appVersion", ""),
        "Description": meta.get("description", ""), "ApiVersion": meta["apiVersion"],
        "Type": meta.get("type", "application"), "KubeVersion": meta.get("kubeVersion", ""),
        "Keywords": meta.get("keywords", []), "Home": meta.get("home", ""),
        "Maintainers": meta.get("maintainers", []), "Sources": meta.get("sources", []),
    }


def values_for(chart_dir, files):
    values = load_yaml(os.path.join(chart_dir, "Values", "values.yaml"))
    for path in files:
        values = coalesce(values, load_yaml(path))
    return values


def render(chart_dir, value_files, gotpl, notes=False, strict=False):
    """Returns (ok, text): the Helm-format manifest (or NOTES) or the first error."""
    data = {
        "Values": values_for(chart_dir, value_files),
        "Release": RELEASE,
        "Chart": chart_data(chart_dir),
        "Capabilities": CAPABILITIES,
        "Files": {},
    }
    source = os.path.join(chart_dir, "Templates")
    names = sorted(os.listdir(source))
    with tempfile.TemporaryDirectory() as work:
        # Helm names templates <chart>/templates/<file>; do the same so Template.Name matches.
        tdir = os.path.join(work, "tars", "templates")
        os.makedirs(tdir)
        for name in names:
            shutil.copy(os.path.join(source, name), os.path.join(tdir, name))
        paths = ["tars/templates/" + n for n in names]
        if notes:
            targets = [n for n in names if n == "NOTES.txt"]
        else:
            targets = [n for n in names if n.endswith((".yaml", ".yml", ".tpl", ".txt"))
                       and not n.startswith("_") and n != "NOTES.txt"]
        out = []
        docs = []
        for name in targets:
            tname = "tars/templates/" + name
            data["Template"] = {"Name": tname, "BasePath": "tars/templates"}
            data_path = os.path.join(work, "data.json")
            with open(data_path, "w") as handle:
                json.dump(data, handle)
            flags = ["-missingkey", "error"] if strict else []
            proc = subprocess.run([gotpl, "-data", data_path, "-helm", "-name", tname] + flags + paths,
                                  cwd=work, capture_output=True, text=True)
            if proc.returncode != 0:
                return False, proc.stderr.strip()
            body = proc.stdout
            if notes:
                out.append(body)
                continue
            # Split into documents as Helm does; drop empty ones.
            for doc in SEPARATOR.split(body):
                doc = doc.strip()
                if doc == "":
                    continue
                parsed = yaml.safe_load(doc)
                if not isinstance(parsed, dict):
                    continue  # comments only
                docs.append((tname, doc, parsed))
    if notes:
        return True, "".join(out)
    # Helm prints the ordinary manifests in install order, then the hooks (also sorted by
    # kind, stable within a kind; weights only matter when hooks run).
    def rank(item):
        kind = item[2].get("kind", "")
        if kind in INSTALL_ORDER:
            return (INSTALL_ORDER.index(kind), "")
        return (len(INSTALL_ORDER), kind)
    plain = [d for d in docs if "helm.sh/hook" not in
             ((d[2].get("metadata") or {}).get("annotations") or {})]
    hooks = [d for d in docs if d not in plain]
    text = "".join("---\n# Source: %s\n%s\n" % (n, body)
                   for n, body, _ in sorted(plain, key=rank) + sorted(hooks, key=rank))
    return True, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--values", action="append", default=[])
    parser.add_argument("--notes", action="store_true")
    parser.add_argument("--strict", action="store_true",
                        help="fail on a missing map key (catches typos in templates; not Helm's default)")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--chart", default=os.path.normpath(os.path.join(here, "..", "..")))
    parser.add_argument("--gotpl", default=os.environ.get("GOTPL", "/tmp/gotpl"))
    args = parser.parse_args()
    ok, text = render(args.chart, args.values, args.gotpl, notes=args.notes, strict=args.strict)
    if not ok:
        print(text, file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

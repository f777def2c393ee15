#!/usr/bin/env python3
"""Helm's Secret storage format, built and read with Python's own gzip/base64/json, so tests can
check tarsctl's encoder and decoder against an implementation that shares no code with them.

  helm-release-secret.py build  < release.json  > secret.json   (Secret as the API server holds it)
  helm-release-secret.py decode < secret.json   > {"release": {...}, "labels": {...}, "layers": "..."}

Format (Helm pkg/storage/driver): Secret `sh.helm.release.v1.NAME.vREV`, type `helm.sh/release.v1`,
labels name/owner=helm/status/version; data.release = base64(gzip(json)) as bytes, which the API
(and `kubectl get secret -o yaml`) shows base64-encoded once more.
"""
import base64
import gzip
import json
import re
import sys
import time


def build(release):
    raw = json.dumps(release, separators=(",", ":")).encode()
    helm_value = base64.b64encode(gzip.compress(raw, compresslevel=9))  # Helm's encodeRelease
    labels = {
        "name": release["name"],
        "owner": "helm",
        "status": release["info"]["status"],
        "version": str(release["version"]),
        "createdAt": str(int(time.time())),
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "sh.helm.release.v1.%s.v%d" % (release["name"], release["version"]),
            "namespace": release.get("namespace", "default"),
            "labels": labels,
        },
        "type": "helm.sh/release.v1",
        "data": {"release": base64.b64encode(helm_value).decode()},
    }


def decode(secret):
    problems = []
    if secret.get("type") != "helm.sh/release.v1":
        problems.append("type is %r" % secret.get("type"))
    helm_value = base64.b64decode(secret["data"]["release"], validate=True)
    payload = base64.b64decode(helm_value, validate=True)
    layers = "base64(base64(json))"
    if payload[:3] == b"\x1f\x8b\x08":
        payload = gzip.decompress(payload)
        layers = "base64(base64(gzip(json)))"
    release = json.loads(payload)
    labels = secret["metadata"].get("labels", {})
    expected_name = "sh.helm.release.v1.%s.v%d" % (release["name"], release["version"])
    if secret["metadata"]["name"] != expected_name:
        problems.append("name %r, expected %r" % (secret["metadata"]["name"], expected_name))
    for key, want in (("name", release["name"]), ("owner", "helm"),
                      ("status", release["info"]["status"]), ("version", str(release["version"]))):
        if labels.get(key) != want:
            problems.append("label %s=%r, expected %r" % (key, labels.get(key), want))
    if not re.fullmatch(r"[0-9]+", labels.get("createdAt", labels.get("modifiedAt", ""))):
        problems.append("no numeric createdAt/modifiedAt label")
    return {"release": release, "labels": labels, "layers": layers, "problems": problems}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    data = json.load(sys.stdin)
    if mode == "build":
        json.dump(build(data), sys.stdout)
    elif mode == "decode":
        json.dump(decode(data), sys.stdout)
    else:
        sys.exit("usage: helm-release-secret.py build|decode < input.json")


if __name__ == "__main__":
    main()

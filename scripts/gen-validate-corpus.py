#!/usr/bin/env python3
"""Generates Tests/ValidationTests/Corpus: manifests for checking that `tarsctl validate`
agrees with kubernetes-validate (the test runs both on every file; verdicts are not stored here).

From ~30 valid base objects it derives, deterministically (fixed seed): wrong types at leaves
chosen with the schema's help, missing required fields, int-or-string and quantity values of
every JSON type, nulls, misspelled and extra fields (under strict/, checked with --strict, and
also outside it, where they are valid), unknown apiVersions and kinds, and CRDs with custom
resources. Hand-written cases live in Corpus/hand and are kept as they are.

Usage: python3 scripts/gen-validate-corpus.py  (rewrites every generated directory)
"""
import copy
import json
import os
import random
import shutil

import kubernetes_validate
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "ValidationTests", "Corpus")
SCHEMAS = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema", "v1.37.0-local")
DEFS = json.load(open(os.path.join(SCHEMAS, "_definitions.json")))["$defs"]

POD = {
    "containers": [{
        "name": "app", "image": "registry.example.com/app:1.4.2",
        "args": ["--port", "8080"],
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": "MODE", "value": "prod"},
                {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "app", "key": "token"}}}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": 1, "memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
        "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10},
        "securityContext": {"runAsNonRoot": True, "readOnlyRootFilesystem": True,
                            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
    }],
    "volumes": [{"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}],
    "serviceAccountName": "app",
    "terminationGracePeriodSeconds": 30,
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "app", "effect": "NoSchedule"}],
}
META = {"name": "app", "namespace": "prod", "labels": {"app": "app"}, "annotations": {"team": "core"}}
TEMPLATE = {"metadata": {"labels": {"app": "app"}}, "spec": POD}
SEL = {"matchLabels": {"app": "app"}}


def obj(api, kind, **fields):
    o = {"apiVersion": api, "kind": kind, "metadata": copy.deepcopy(META)}
    o.update(copy.deepcopy(fields))
    return o


BASES = {
    "deployment": obj("apps/v1", "Deployment", spec={
        "replicas": 3, "selector": SEL, "template": TEMPLATE,
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}}),
    "statefulset": obj("apps/v1", "StatefulSet", spec={
        "serviceName": "app", "replicas": 2, "selector": SEL, "template": TEMPLATE,
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]}),
    "daemonset": obj("apps/v1", "DaemonSet", spec={
        "selector": SEL, "template": TEMPLATE,
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}}),
    "replicaset": obj("apps/v1", "ReplicaSet", spec={"replicas": 1, "selector": SEL, "template": TEMPLATE}),
    "pod": obj("v1", "Pod", spec=POD),
    "job": obj("batch/v1", "Job", spec={"backoffLimit": 2, "template": {
        "spec": dict(copy.deepcopy(POD), restartPolicy="Never")}}),
    "cronjob": obj("batch/v1", "CronJob", spec={"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid",
                                                "jobTemplate": {"spec": {"template": {
                                                    "spec": dict(copy.deepcopy(POD), restartPolicy="OnFailure")}}}}),
    "service": obj("v1", "Service", spec={
        "type": "ClusterIP", "selector": {"app": "app"},
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                  {"name": "metrics", "port": 9090, "targetPort": 9090}]}),
    "configmap": obj("v1", "ConfigMap", data={"config.yaml": "a: 1\n", "LOG_LEVEL": "info"}),
    "secret": obj("v1", "Secret", type="Opaque", stringData={"token": "s3cr3t"}, data={"ca": "Y2E="}),
    "serviceaccount": obj("v1", "ServiceAccount", automountServiceAccountToken=False),
    "namespace": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"team": "core"}}},
    "pvc": obj("v1", "PersistentVolumeClaim", spec={
        "accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "resources": {"requests": {"storage": "5Gi"}}}),
    "pv": {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {
        "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/mnt/data"},
        "persistentVolumeReclaimPolicy": "Retain"}},
    "ingress": obj("networking.k8s.io/v1", "Ingress", spec={
        "ingressClassName": "nginx",
        "tls": [{"hosts": ["app.example.com"], "secretName": "app-tls"}],
        "rules": [{"host": "app.example.com", "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "app", "port": {"number": 80}}}}]}}]}),
    "networkpolicy": obj("networking.k8s.io/v1", "NetworkPolicy", spec={
        "podSelector": SEL, "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "web"}}}],
                     "ports": [{"protocol": "TCP", "port": 8080}]}]}),
    "hpa": obj("autoscaling/v2", "HorizontalPodAutoscaler", spec={
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "app"},
        "minReplicas": 2, "maxReplicas": 10,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 70}}}]}),
    "pdb": obj("policy/v1", "PodDisruptionBudget", spec={"minAvailable": "50%", "selector": SEL}),
    "role": obj("rbac.authorization.k8s.io/v1", "Role", rules=[
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]),
    "rolebinding": obj("rbac.authorization.k8s.io/v1", "RoleBinding",
                       roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "app"},
                       subjects=[{"kind": "ServiceAccount", "name": "app", "namespace": "prod"}]),
    "clusterrole": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"},
                    "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}]},
    "resourcequota": obj("v1", "ResourceQuota", spec={"hard": {"pods": "10", "requests.cpu": "4", "limits.memory": "8Gi"}}),
    "limitrange": obj("v1", "LimitRange", spec={"limits": [{
        "type": "Container", "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "100m"}, "max": {"cpu": 2}}]}),
    "storageclass": {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
                     "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3"},
                     "reclaimPolicy": "Delete", "allowVolumeExpansion": True, "volumeBindingMode": "WaitForFirstConsumer"},
    "priorityclass": {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                      "value": 100000, "globalDefault": False, "description": "important"},
    "webhook": {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
                "metadata": {"name": "hook"}, "webhooks": [{
                    "name": "check.example.com", "admissionReviewVersions": ["v1"], "sideEffects": "None",
                    "clientConfig": {"service": {"name": "hook", "namespace": "prod", "path": "/validate", "port": 443}},
                    "rules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"],
                               "resources": ["deployments"]}], "failurePolicy": "Fail", "timeoutSeconds": 5}]},
    "endpointslice": obj("discovery.k8s.io/v1", "EndpointSlice", addressType="IPv4",
                         endpoints=[{"addresses": ["10.0.0.1"], "conditions": {"ready": True}}],
                         ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
    "lease": obj("coordination.k8s.io/v1", "Lease", spec={"holderIdentity": "a", "leaseDurationSeconds": 15}),
}


def resolve(schema):
    while "$ref" in schema:
        schema = DEFS[schema["$ref"].split("/")[-1]]
    return schema


def root_schema(o):
    import re
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", o["apiVersion"])
    return json.load(open(os.path.join(SCHEMAS, "%s-%s.json" % (o["kind"].lower(), api))))


def walk(o, schema, path, out):
    """Yields (path, value, schema) for every node of `o` with the schema that applies."""
    schema = resolve(schema)
    out.append((path, o, schema))
    if isinstance(o, dict):
        for k, v in o.items():
            sub = schema.get("properties", {}).get(k) or schema.get("additionalProperties")
            if isinstance(sub, dict):
                walk(v, sub, path + [k], out)
    elif isinstance(o, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(o):
            walk(v, schema["items"], path + [i], out)


def get_parent(o, path):
    for p in path[:-1]:
        o = o[p]
    return o


def is_int_or_string(schema):
    return "oneOf" in schema and {json.dumps(b.get("type")) for b in schema["oneOf"]} == {'["string", "null"]', '["integer", "null"]'}


def is_quantity(schema):
    return "oneOf" in schema and '["number", "null"]' in {json.dumps(b.get("type")) for b in schema["oneOf"]}


def wrong_value(v, rng):
    if isinstance(v, bool):
        return rng.choice(["true", 1])
    if isinstance(v, int):
        return rng.choice([str(v), True, [v]])
    if isinstance(v, float):
        return str(v)
    if isinstance(v, str):
        return rng.choice([42, True, [v], {"value": v}])
    if isinstance(v, list):
        return {"item": v[0] if v else "x"}
    if isinstance(v, dict):
        return rng.choice(["text", [1]])
    return "x"


def typo(key, rng):
    if len(key) < 3:
        return key + "x"
    i = rng.randrange(len(key) - 1)
    choice = rng.randrange(3)
    if choice == 0:
        return key[:i] + key[i + 1] + key[i] + key[i + 2:]   # swap
    if choice == 1:
        return key[:i] + key[i + 1:]                       # drop
    return key[:i] + key[i].upper() + key[i + 1:] if key[i].islower() else key + "s"


def write(sub, name, docs):
    d = os.path.join(OUT, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".yaml"), "w") as f:
        yaml.safe_dump_all(docs, f, sort_keys=False, default_flow_style=False)


def generate():
    rng = random.Random(20261123)
    count = 0
    for name, base in BASES.items():
        write("valid", name, [base])
        write("strict", name + "-valid", [base])
        count += 2
        nodes = []
        walk(base, root_schema(base), [], nodes)
        inner = [(p, v, s) for p, v, s in nodes if p and p[0] not in ("apiVersion", "kind")]
        leaves = [(p, v, s) for p, v, s in inner if not isinstance(v, (dict, list)) and "oneOf" not in s]
        # Wrong types at two leaves and one container.
        for i, (p, v, s) in enumerate(rng.sample(leaves, min(2, len(leaves)))):
            o = copy.deepcopy(base)
            get_parent(o, p)[p[-1]] = wrong_value(v, rng)
            write("types", "%s-%d" % (name, i), [o])
            count += 1
        containers = [(p, v, s) for p, v, s in inner if isinstance(v, (dict, list)) and len(p) > 1]
        if containers:
            p, v, s = rng.choice(containers)
            o = copy.deepcopy(base)
            get_parent(o, p)[p[-1]] = wrong_value(v, rng)
            write("types", "%s-container" % name, [o])
            count += 1
        # Missing required fields.
        required = [(p + [r]) for p, v, s in inner + [([], base, root_schema(base))]
                    if isinstance(v, dict) for r in s.get("required", []) if r in v]
        for i, p in enumerate(rng.sample(required, min(2, len(required)))):
            o = copy.deepcopy(base)
            del get_parent(o, p)[p[-1]]
            write("required", "%s-%d" % (name, i), [o])
            count += 1
        # Misspelled and extra fields: invalid under --strict, valid otherwise.
        maps = [(p, v, s) for p, v, s in inner if isinstance(v, dict) and v and "properties" in s]
        for i, (p, v, s) in enumerate(rng.sample(maps, min(2, len(maps)))):
            o = copy.deepcopy(base)
            m = get_parent(o, p + ["x"])
            key = rng.choice(sorted(m))
            m[typo(key, rng)] = m.pop(key)
            write("strict", "%s-typo-%d" % (name, i), [o])
            write("typos", "%s-%d" % (name, i), [o])
            o2 = copy.deepcopy(base)
            get_parent(o2, p + ["x"])["extraField"] = {"enabled": True}
            write("strict", "%s-extra-%d" % (name, i), [o2])
            count += 3
        # int-or-string and quantity values of every JSON type.
        special = [(p, v, s) for p, v, s in inner if is_int_or_string(s) or is_quantity(s)]
        for i, (p, v, s) in enumerate(special[:1]):
            for label, value in (("int", 8), ("string", "25%"), ("float", 2.5), ("whole-float", 3.0),
                                 ("bool", True), ("null", None), ("list", [1])):
                o = copy.deepcopy(base)
                get_parent(o, p)[p[-1]] = value
                write("intorstring", "%s-%d-%s" % (name, i, label), [o])
                count += 1
        # A null where the schema allows it, and metadata that is not a mapping.
        opt = [(p, v, s) for p, v, s in leaves if p[-1] not in get_parent_schema_required(base, p)]
        if opt:
            p, v, s = rng.choice(opt)
            o = copy.deepcopy(base)
            get_parent(o, p)[p[-1]] = None
            write("nulls", name, [o])
            count += 1
    # Kinds and versions that do not exist.
    for label, api, kind in (("apps-v2", "apps/v2", "Deployment"), ("deploymnet", "apps/v1", "Deploymnet"),
                             ("extensions-ingress", "extensions/v1beta1", "Ingress"),
                             ("policy-v1beta1-pdb", "policy/v1beta1", "PodDisruptionBudget")):
        o = copy.deepcopy(BASES["deployment"])
        o["apiVersion"], o["kind"] = api, kind
        write("unknown", label, [o])
        count += 1
    count += generate_crds(rng)
    return count


def get_parent_schema_required(base, path):
    nodes = []
    walk(base, root_schema(base), [], nodes)
    for p, v, s in nodes:
        if p == path[:-1]:
            return s.get("required", [])
    return []


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
             "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                 "type": "object",
                 "properties": {
                     "spec": {"type": "object", "required": ["size", "color"], "properties": {
                         "size": {"type": "integer", "minimum": 1, "maximum": 10},
                         "color": {"type": "string", "enum": ["red", "green", "blue"]},
                         "port": {"x-kubernetes-int-or-string": True},
                         "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$", "maxLength": 20},
                         "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                         "limits": {"type": "object", "additionalProperties": {"type": "string"}},
                         "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                         "ratio": {"type": "number", "nullable": True},
                     }},
                     "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}},
                 }}}}]},
}
WIDGET = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "prod"},
          "spec": {"size": 3, "color": "red", "port": 8080, "name": "front", "tags": ["a"],
                   "limits": {"cpu": "1"}, "extra": {"anything": {"goes": 1}}, "ratio": 0.5}}


def generate_crds(rng):
    count = 0
    cases = {
        "valid": {},
        "port-string": {"port": "http"},
        "port-bool": {"port": True},
        "size-string": {"size": "3"},
        "size-too-big": {"size": 11},
        "size-zero": {"size": 0},
        "color-enum": {"color": "purple"},
        "name-pattern": {"name": "Front_End"},
        "name-too-long": {"name": "a" * 21},
        "tags-too-many": {"tags": ["a", "b", "c", "d"]},
        "tags-wrong-item": {"tags": ["a", 2]},
        "limits-wrong-value": {"limits": {"cpu": 1}},
        "ratio-null": {"ratio": None},
        "ratio-string": {"ratio": "half"},
        "missing-color": {"color": None},
        "extra-preserved": {"extra": {"deep": [1, {"x": True}]}},
        "typo-field": {"colour": "red"},
    }
    for label, change in cases.items():
        w = copy.deepcopy(WIDGET)
        for k, v in change.items():
            if k == "color" and v is None:
                del w["spec"]["color"]
            else:
                w["spec"][k] = v
        write("crd", label, [CRD, w])
        count += 1
        if label in ("valid", "typo-field", "extra-preserved"):
            write("strict", "crd-" + label, [CRD, w])
            count += 1
    # The CRD itself broken: a version without a name.
    bad = copy.deepcopy(CRD)
    del bad["spec"]["versions"][0]["name"]
    write("crd", "crd-missing-version-name", [bad])
    return count + 1


def main():
    for sub in ("valid", "types", "required", "strict", "typos", "intorstring", "nulls", "unknown", "crd"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    n = generate()
    print("wrote %d generated manifests under %s" % (n, os.path.relpath(OUT)))


if __name__ == "__main__":
    main()

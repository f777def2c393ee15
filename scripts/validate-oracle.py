#!/usr/bin/env python3
"""Reference verdicts for `tarsctl validate`, one JSON line per file:
{"file": ..., "verdict": "valid" | "invalid" | "missing" | "error", "paths": [...], "messages": [...]}

Built-in kinds are checked by kubernetes-validate itself (utils.validate, the function its CLI
calls). Custom resources, which kubernetes-validate cannot check, are checked with the same
engine (jsonschema's Draft 2020-12 validator) against their CustomResourceDefinition's
openAPIV3Schema, converted the way the API server reads a structural schema: `nullable` adds
null, `x-kubernetes-int-or-string` means integer or string, apiVersion/kind/metadata are always
allowed at the root, and strict mode forbids fields that no `properties` entry names unless
`x-kubernetes-preserve-unknown-fields` is set.

Usage: validate-oracle.py [--strict] [--kubernetes-version V] FILE...
       (a file under a directory named `strict` is always checked in strict mode)
"""
import argparse
import json
import os
import sys

import jsonschema
import kubernetes_validate.utils as kv


def convert(schema, strict, root=False):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key in ("required", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems"):
        if key in schema:
            out[key] = schema[key]
    types = []
    if "type" in schema:
        types = [schema["type"]]
    if schema.get("x-kubernetes-int-or-string"):
        types = ["integer", "string"]
    if types and schema.get("nullable"):
        types.append("null")
    if types:
        out["type"] = types
    props = dict(schema.get("properties", {}))
    if root:
        for name, sub in (("apiVersion", {"type": "string"}), ("kind", {"type": "string"}), ("metadata", {"type": "object"})):
            props.setdefault(name, sub)
    if props or "properties" in schema:
        out["properties"] = {k: convert(v, strict) for k, v in props.items()}
    if "items" in schema:
        out["items"] = convert(schema["items"], strict)
    if "additionalProperties" in schema:
        ap = schema["additionalProperties"]
        out["additionalProperties"] = ap if isinstance(ap, bool) else convert(ap, strict)
    elif strict and "properties" in out and not schema.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            out[key] = [convert(s, strict) for s in schema[key]]
    if "not" in schema:
        out["not"] = convert(schema["not"], strict)
    return out


def crd_schemas(resources):
    found = {}
    for r in resources:
        if not isinstance(r, dict) or r.get("kind") != "CustomResourceDefinition":
            continue
        spec = r.get("spec") or {}
        kind = (spec.get("names") or {}).get("kind")
        for v in spec.get("versions") or []:
            if v.get("served") is False:
                continue
            schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or {}
            found["%s/%s|%s" % (spec.get("group"), v.get("name"), kind)] = schema
    return found


def path_text(path):
    out = ""
    for p in path:
        if isinstance(p, int):
            out += "[%d]" % p
        else:
            out += ("." if out else "") + str(p)
    return out


def check_file(filename, version, strict):
    try:
        resources = kv.resources_from_file(filename)
    except SystemExit as e:
        return {"verdict": "error", "paths": [], "messages": [str(e)]}
    crds = crd_schemas(resources)
    verdict, paths, messages, components = "valid", [], [], []
    for r in resources:
        if not isinstance(r, dict):
            return {"verdict": "error", "paths": [], "messages": ["document is not a mapping"]}
        key = "%s|%s" % (r.get("apiVersion"), r.get("kind"))
        if key in crds:
            validator = jsonschema.Draft202012Validator(convert(crds[key], strict, root=True))
            errors = list(validator.iter_errors(r))
            if errors:
                verdict = "invalid"
                for e in errors:
                    paths.append(path_text(e.path))
                    components.append(list(e.path))
                    messages.append(e.message)
            continue
        try:
            kv.validate(r, version, strict)
        except kv.ValidationError as e:
            verdict = "invalid"
            paths.append(path_text(e.path))
            components.append(list(e.path))
            messages.append(e.message)
        except kv.SchemaNotFoundError as e:
            if verdict == "valid":
                verdict = "missing"
            messages.append(e.message)
        except Exception as e:  # kubernetes-validate's CLI reports these as "could not be validated"
            return {"verdict": "error", "paths": [], "messages": [str(e)]}
    return {"verdict": verdict, "paths": paths, "components": components, "messages": messages}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--kubernetes-version", default=kv.latest_version())
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    for f in args.files:
        strict = args.strict or "strict" in f.split(os.sep)[:-1]
        result = check_file(f, args.kubernetes_version, strict)
        result["file"] = f
        result["strict"] = strict
        print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks tarsctl report output.

  check_reports.py sarif FILE   SARIF 2.1.0 schema + GitHub code scanning constraints
  check_reports.py junit FILE   JUnit XML structure and counts

Prints one "ok ..." line and exits 0, or prints every problem and exits 1.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def check_sarif(path):
    import jsonschema

    with open(os.path.join(HERE, "sarif-schema-2.1.0.json"), encoding="utf-8") as f:
        schema = json.load(f)
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    problems = []
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for e in sorted(validator.iter_errors(log), key=lambda e: list(e.path)):
        problems.append("schema: %s: %s" % ("/".join(map(str, e.path)), e.message))
    # What GitHub code scanning needs beyond the schema.
    if log.get("version") != "2.1.0":
        problems.append("version must be 2.1.0")
    runs = log.get("runs") or []
    if len(runs) != 1:
        problems.append("expected one run, got %d" % len(runs))
    results = 0
    for run in runs:
        driver = run["tool"]["driver"]
        if driver.get("name") != "tarsctl":
            problems.append("tool.driver.name must be tarsctl")
        if not driver.get("informationUri", "").startswith("https://"):
            problems.append("tool.driver.informationUri must be an https URI")
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            problems.append("rule ids are not unique: %s" % ids)
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                if not r.get(key, {}).get("text"):
                    problems.append("rule %s has no %s.text" % (r["id"], key))
            if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning", "note"):
                problems.append("rule %s has no defaultConfiguration.level" % r["id"])
        for i, res in enumerate(run.get("results", [])):
            results += 1
            where = "results[%d]" % i
            idx = res.get("ruleIndex")
            if idx is None or not (0 <= idx < len(rules)) or rules[idx]["id"] != res.get("ruleId"):
                problems.append("%s: ruleIndex %r does not point at rule %r" % (where, idx, res.get("ruleId")))
            if res.get("level") not in ("error", "warning", "note"):
                problems.append("%s: level %r" % (where, res.get("level")))
            if not res.get("message", {}).get("text"):
                problems.append("%s: no message.text" % where)
            if not res.get("partialFingerprints"):
                problems.append("%s: no partialFingerprints" % where)
            locs = res.get("locations") or []
            if len(locs) != 1:
                problems.append("%s: expected one location" % where)
                continue
            phys = locs[0].get("physicalLocation", {})
            art = phys.get("artifactLocation", {})
            uri = art.get("uri", "")
            if uri.startswith("/") or "://" in uri or uri.startswith("..") or not uri:
                problems.append("%s: uri %r is not repository-relative" % (where, uri))
            if art.get("uriBaseId") != "%SRCROOT%":
                problems.append("%s: uriBaseId must be %%SRCROOT%%" % where)
            region = phys.get("region")
            if region is not None and region.get("endLine", region["startLine"]) < region["startLine"]:
                problems.append("%s: endLine before startLine" % where)
    return problems, "ok sarif: %d results" % results


def check_junit(path):
    problems = []
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        return ["root element is <%s>, not <testsuites>" % root.tag], ""
    total = failures = 0
    suites = root.findall("testsuite")
    for s in suites:
        cases = s.findall("testcase")
        failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        if int(s.get("tests", -1)) != len(cases):
            problems.append("suite %s: tests=%s but %d testcases" % (s.get("name"), s.get("tests"), len(cases)))
        if int(s.get("failures", -1)) != len(failed):
            problems.append("suite %s: failures=%s but %d failing" % (s.get("name"), s.get("failures"), len(failed)))
        if not s.get("name"):
            problems.append("a testsuite has no name")
        for c in cases:
            if not c.get("name") or not c.get("classname"):
                problems.append("suite %s: a testcase lacks name or classname" % s.get("name"))
            for f in c.findall("failure"):
                if not f.get("message"):
                    problems.append("%s: failure without message" % c.get("name"))
        total += len(cases)
        failures += len(failed)
    if int(root.get("tests", -1)) != total or int(root.get("failures", -1)) != failures:
        problems.append("testsuites tests=%s failures=%s, counted %d/%d" % (root.get("tests"), root.get("failures"), total, failures))
    return problems, "ok junit: %d suites, %d testcases, %d failures" % (len(suites), total, failures)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("sarif", "junit"):
        print(__doc__)
        return 2
    problems, ok = (check_sarif if sys.argv[1] == "sarif" else check_junit)(sys.argv[2])
    if problems:
        print("\n".join(problems))
        return 1
    print(ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())

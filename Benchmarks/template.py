#!/usr/bin/env python3
"""Template rendering benchmark (release build). Prints wall times and ratios measured in this run:
  1. tarsctl template of the T.A.R.S. chart (repo root) with Values/dev.yaml, incl. process start;
  2. a synthetic chart of 1,000 templates: `tarsctl template`, and `tarsctl tpl` vs the gotpl oracle
     executing the same 1,000 templates (one set, one entry template that runs them all);
  3. peak memory (max RSS) of each.
Usage: python3 Benchmarks/template.py [--runs N]"""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15

def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

def measure(cmd, runs=RUNS):
    times, rss = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-2000:]}")
        rss = max(rss, int(p.stderr.strip().splitlines()[-1]))
    return statistics.median(times), rss / 1024

def synthetic(dirpath, n=1000):
    os.makedirs(f"{dirpath}/templates")
    with open(f"{dirpath}/Chart.yaml", "w") as f:
        f.write("apiVersion: v2\nname: synth\nversion: 1.0.0\n")
    with open(f"{dirpath}/values.yaml", "w") as f:
        f.write("replicas: 2\nimage: {repo: registry.example/app, tag: '1.2.3'}\n"
                "labels: {team: core, tier: backend}\nenv: [{name: A, value: '1'}, {name: B, value: two}]\n")
    with open(f"{dirpath}/templates/_helpers.tpl", "w") as f:
        f.write('{{- define "synth.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\n'
                '{{ toYaml .Values.labels }}\n{{- end }}\n')
    body = ('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{N}\n  labels:\n'
            '{{- include "synth.labels" . | nindent 4 }}\ndata:\n'
            '  replicas: {{ .Values.replicas | quote }}\n  image: "{{ .Values.image.repo }}:{{ .Values.image.tag }}"\n'
            '{{- range $i, $e := .Values.env }}\n  env{{ $i }}: {{ printf "%s=%s" $e.name $e.value | quote }}\n{{- end }}\n'
            '  {{- if gt (len .Values.env) 1 }}\n  many: "yes"\n  {{- end }}\n')
    for i in range(n):
        with open(f"{dirpath}/templates/cm{i:04d}.yaml", "w") as f:
            f.write(body.replace("{N}", str(i)))

def tpl_set(chart, out):
    """The same templates as one raw set for `tpl`/gotpl: each file as a define, one entry template."""
    os.makedirs(out)
    files = []
    helpers = open(f"{chart}/templates/_helpers.tpl").read().replace(".Chart.Name", '"synth"')
    with open(f"{out}/helpers.tpl", "w") as f:
        f.write(helpers)
    entry = []
    for name in sorted(os.listdir(f"{chart}/templates")):
        if name.startswith("_"):
            continue
        text = open(f"{chart}/templates/{name}").read()
        path = f"{out}/{name}"
        with open(path, "w") as f:
            f.write('{{ define "%s" }}%s{{ end }}' % (name, text))
        files.append(path)
        entry.append('---\n{{ template "%s" . }}' % name)
    with open(f"{out}/entry.tpl", "w") as f:
        f.write("\n".join(entry))
    import json
    with open(f"{out}/data.json", "w") as f:
        json.dump({"Values": {"replicas": 2, "image": {"repo": "registry.example/app", "tag": "1.2.3"},
                              "labels": {"team": "core", "tier": "backend"},
                              "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}]}}, f)
    return [f"{out}/entry.tpl", f"{out}/helpers.tpl"] + files, f"{out}/data.json"

def main():
    # The same build as scripts/run.sh: release, Swift runtime and Foundation linked statically.
    sh("swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "tarsctl", cwd=ROOT)
    bindir = sh("swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path", cwd=ROOT).stdout.strip()
    tarsctl = os.path.join(bindir, "tarsctl")
    gotpl = os.environ.get("GOTPL") or os.path.expanduser("~/.cache/tarsctl/gotpl")
    if not os.path.exists(gotpl):
        gotpl = "/tmp/gotpl"
    work = tempfile.mkdtemp(prefix="tarsctl-bench-")
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}; median of {RUNS} runs; "
              "wall time includes process start\n")
        if os.path.exists(os.path.join(ROOT, "Chart.yaml")):
            t, m = measure([tarsctl, "template", "tars", ROOT, "-f", os.path.join(ROOT, "Values/dev.yaml")])
            print(f"T.A.R.S. chart (dev values)        {t*1000:8.1f} ms   max RSS {m:6.1f} MB   target < 30 ms")
        chart = f"{work}/synth"
        synthetic(chart)
        t_chart, m_chart = measure([tarsctl, "template", "rel", chart], runs=max(3, RUNS // 3))
        print(f"synthetic chart, 1,000 templates   {t_chart*1000:8.1f} ms   max RSS {m_chart:6.1f} MB   target < 1000 ms, < 300 MB")
        files, data = tpl_set(chart, f"{work}/raw")
        ours = subprocess.run([tarsctl, "tpl", "--data", data] + files, capture_output=True, text=True)
        theirs = subprocess.run([gotpl, "-data", data] + files, capture_output=True, text=True)
        same = ours.returncode == 0 and ours.stdout == theirs.stdout
        t_ours, m_ours = measure([tarsctl, "tpl", "--data", data] + files, runs=max(3, RUNS // 3))
        t_go, m_go = measure([gotpl, "-data", data] + files, runs=max(3, RUNS // 3))
        print(f"1,000 templates, tarsctl tpl       {t_ours*1000:8.1f} ms   max RSS {m_ours:6.1f} MB")
        print(f"1,000 templates, gotpl oracle      {t_go*1000:8.1f} ms   max RSS {m_go:6.1f} MB")
        print(f"ratio oracle/tarsctl               {t_go/t_ours:8.2f}x   target >= 2x   (outputs identical: {same})")
    finally:
        shutil.rmtree(work, ignore_errors=True)

main()

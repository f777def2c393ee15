#!/usr/bin/env python3
"""Generates the differential cases for Go's text/template language itself (no Sprig):
Tests/ChartRenderTests/Fixtures/core-*.jsonl. Expected results come from the gotpl oracle at
test time, so this script only writes inputs. Re-run it after editing; commit its output."""
import json, os, itertools

out_dir = os.path.join(os.path.dirname(__file__), "..", "Tests", "ChartRenderTests", "Fixtures")
DATA = {"i": 42, "neg": -7, "f": 3.14159, "big": 1000000, "tiny": 0.00001, "s": "hi", "u": "héllo wörld",
        "q": "a\"b\\c", "e": "", "t": True, "fa": False, "n": None, "l": [1, "two", 3.5, None, [4]],
        "m": {"b": 2, "a": "x", "c": [1, 2]}, "em": {}, "el": [], "nested": {"a": {"b": {"c": "deep"}}},
        "strs": ["x", "y", "z"], "html": "<a href='x'>&</a>", "ws": "  padded  "}

def write(name, cases):
    with open(os.path.join(out_dir, name), "w") as f:
        for i, c in enumerate(cases):
            c.setdefault("data", DATA)
            c["name"] = c.get("name") or f"{name.split('.')[0]}-{i}"
            f.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")

# printf: verbs x operands
verbs = ["%v", "%+v", "%#v", "%d", "%s", "%q", "%x", "%X", "%o", "%O", "%b", "%e", "%E", "%f", "%F", "%g", "%G",
         "%t", "%c", "%T", "%U", "%#U", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.2f", "%8.3f", "%-8.2f|", "%08.3f",
         "%+.1e", "%.3g", "%.10g", "%#x", "%#o", "% x", "%5s", "%-5s|", "%.2s", "%5.1s", "%10q", "%x|%X", "%6.2v",
         "%.0f", "%3c", "%-4t|", "%5T", "%v %v", "%!", "%z", "%.*d", "%*d", "%[1]d"]
operands = ["42", "-7", "0", "3.5", "-0.25", "1e6", "1e21", "123456789.0", ".i", ".neg", ".f", ".big", ".tiny",
            '"hi"', ".u", ".q", ".e", "true", ".fa", "nil", ".n", ".l", ".m", ".strs", ".em", ".el", "65", "0x1F",
            "'a'", "1_000"]
cases = []
for v, o in itertools.product(verbs, operands):
    cases.append({"template": "{{ printf %s %s }}" % (json.dumps(v), o)})
cases += [{"template": '{{ printf "%d %s" 1 }}'}, {"template": '{{ printf "%d" 1 2 "x" }}'},
          {"template": '{{ printf "no verbs" 1 }}'}, {"template": '{{ printf "%%" }}'},
          {"template": '{{ printf "%*d|%-*d|" 5 1 5 2 }}'}, {"template": '{{ printf "%.*f" 2 3.14159 }}'},
          {"template": '{{ printf "%*d" "x" 1 }}'}, {"template": '{{ print 1 2 "a" "b" 3 nil .n }}'},
          {"template": '{{ println 1 "a" nil }}'}, {"template": '{{ print }}{{ println }}'},
          {"template": '{{ print .l .m .strs }}'}, {"template": '{{ print 1.0 2.50 -0.0 1e100 }}'}]
write("core-printf.jsonl", cases)

# structure and builtins
S = []
def add(t, **kw):
    d = {"template": t}; d.update(kw); S.append(d)
for t in ["plain text", "{{/* c */}}x", "a {{- /* c */ -}} b", "a  {{- 1 -}}  b", "a\n\n{{- 1 }}\n\nb", "{{ 1 -}}\n  \n x",
          "{{- 3 }}", "{{-3}}", "{{ -3 }}", "{{3 -}} x", "{{ .s }}{{ .i }}{{ .f }}{{ .t }}{{ .n }}{{ .l }}{{ .m }}",
          "{{ . | len }}", "{{ .nested.a.b.c }}", "{{ .nested.a.x.y }}", "{{ .missing }}", "{{ .m.a }}{{ .m.zz }}",
          "{{ $ }}", "{{ $.s }}", "{{ $x := 1 }}{{ $x }}", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
          "{{ $x := .s }}{{ if .t }}{{ $x = \"in\" }}{{ end }}{{ $x }}", "{{ if .t }}{{ $y := 1 }}{{ end }}{{ $y }}",
          "{{ if .t }}T{{ else }}F{{ end }}", "{{ if .fa }}T{{ else if .n }}N{{ else if .s }}S{{ else }}E{{ end }}",
          "{{ if .e }}x{{ end }}|{{ if .el }}x{{ end }}|{{ if .em }}x{{ end }}|{{ if 0 }}x{{ end }}|{{ if 0.0 }}x{{ end }}|{{ if .l }}y{{ end }}",
          "{{ with .s }}{{ . }}{{ end }}", "{{ with .e }}x{{ else }}empty{{ end }}", "{{ with $v := .m }}{{ $v.a }}{{ end }}",
          "{{ with .nested }}{{ with .a }}{{ .b.c }}{{ end }}{{ end }}",
          "{{ range .l }}[{{ . }}]{{ end }}", "{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}",
          "{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}", "{{ range .el }}x{{ else }}none{{ end }}",
          "{{ range .em }}x{{ else }}none{{ end }}", "{{ range .n }}x{{ else }}nil{{ end }}",
          "{{ range $v := .strs }}{{ $v }}{{ end }}", "{{ range .strs }}{{ if eq . \"y\" }}{{ break }}{{ end }}{{ . }}{{ end }}",
          "{{ range .strs }}{{ if eq . \"y\" }}{{ continue }}{{ end }}{{ . }}{{ end }}",
          "{{ range .l }}{{ range .strs }}{{ . }}{{ break }}{{ end }}{{ end }}", "{{ range .s }}{{ end }}",
          "{{ range .i }}{{ end }}", "{{ range $i, $e := .m }}{{ $i }}{{ end }}{{ $i }}",
          "{{ define \"t\" }}T{{ . }}{{ end }}{{ template \"t\" 5 }}", "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" }}",
          "{{ block \"b\" .s }}<{{ . }}>{{ end }}", "{{ define \"a\" }}{{ template \"b\" . }}{{ end }}{{ define \"b\" }}B{{ .i }}{{ end }}{{ template \"a\" . }}",
          "{{ template \"x\" }}", "{{ (1) }}", "{{ (print 1 2) }}", "{{ (.m).a }}", "{{ .s | printf \"%s!\" }}",
          "{{ .i | printf \"%d-%d\" 1 }}", "{{ \"a\" | print \"b\" | print \"c\" }}", "{{ 1 | print }}", "{{ print | print }}",
          "{{ and 1 2 }}", "{{ and 1 0 2 }}", "{{ and .e .s }}", "{{ or .e .s }}", "{{ or 0 \"\" }}", "{{ or }}", "{{ and .t (fail) }}",
          "{{ not 0 }}{{ not 1 }}{{ not .n }}{{ not .l }}", "{{ len .s }}{{ len .l }}{{ len .m }}{{ len .u }}", "{{ len 3 }}", "{{ len .n }}",
          "{{ index .l 1 }}", "{{ index .l 4 0 }}", "{{ index .m \"a\" }}", "{{ index .m \"zz\" }}", "{{ index .s 0 }}", "{{ index .l 9 }}",
          "{{ index .l -1 }}", "{{ index .l 5 }}", "{{ index .m 1 }}", "{{ index .n 1 }}", "{{ index .l 1.5 }}", "{{ index .i 0 }}", "{{ index .l }}",
          "{{ eq 1 1 }}{{ eq 1 2 }}{{ eq \"a\" \"a\" }}{{ eq .s \"hi\" }}{{ eq 1 2 3 1 }}", "{{ eq .i 42 }}", "{{ eq .i 42.0 }}",
          "{{ eq .n nil }}", "{{ eq .l .l }}", "{{ eq .m .m }}", "{{ eq .t true }}", "{{ eq 1 }}", "{{ eq \"a\" 1 }}", "{{ eq .s .n }}",
          "{{ ne 1 2 }}{{ ne \"a\" \"a\" }}", "{{ lt 1 2 }}{{ lt 2 1 }}{{ lt \"a\" \"b\" }}{{ lt 1.5 2.5 }}", "{{ lt .i 50.0 }}",
          "{{ lt true false }}", "{{ lt .n 1 }}", "{{ le 2 2 }}{{ gt 3 2 }}{{ ge 2 3 }}", "{{ le \"b\" \"a\" }}", "{{ gt .f 3.0 }}",
          "{{ html .html }}", "{{ html 1 \"<\" }}", "{{ js .html }}", "{{ js \"a\\nb\\u2028\" }}", "{{ urlquery \"a b&c=d/é\" }}",
          "{{ urlquery 1 2 }}", "{{ html .n }}", "{{ print .n | html }}", "{{ .s.x }}", "{{ .i.x }}", "{{ .l.x }}", "{{ .t.x }}",
          "{{ $.m.a }}", "{{ $x := .m }}{{ $x.a }}{{ $x.c }}", "{{ $x := .missing }}{{ $x.a }}", "{{ $x := .n }}{{ $x }}",
          "{{ .m.a 1 }}", "{{ .s 1 }}", "{{ $ 1 }}", "{{ 1 2 }}", "{{ nil }}", "{{ \"s\" | 1 }}", "{{ .l | len }}",
          "{{ $a, $b := 1 }}", "{{ range $a, $b, $c := .l }}{{ end }}", "{{ range $a = .l }}{{ $a }}{{ end }}",
          "{{ $x := 1 }}{{ range $x = .strs }}{{ end }}{{ $x }}",
          "x{{ if }}", "{{ end }}", "{{ else }}", "{{ if 1 }}", "{{ range 1 }}{{ else }}{{ else }}{{ end }}", "{{ with 1 }}{{ else if 2 }}{{ end }}",
          "{{ .s", "{{ \"unterminated }}", "{{ `raw }}", "{{ 'ab' }}", "{{ 1.2.3 }}", "{{ 0x }}", "{{ 9223372036854775808 }}",
          "{{ 18446744073709551616 }}", "{{ 1e400 }}", "{{ $undefined }}", "{{ nofunc }}", "{{ .s | nofunc }}", "{{ ( }}",
          "{{ ) }}", "{{ (1 }}", "{{ 1) }}", "{{ . . }}", "{{ .a.b. }}", "{{ $x. }}", "{{ .1 }}", "{{ \"x\".y }}", "{{ 1.x }}", "{{ nil.x }}",
          "{{ break }}", "{{ continue }}", "{{ range .l }}{{ break 1 }}{{ end }}", "{{ define }}", "{{ define \"x\" }}", "{{ define 1 }}{{ end }}",
          "{{ template }}", "{{ template 1 }}", "{{ block \"x\" }}", "{{/* unclosed", "{{/* c */ x }}", "{{ /* c */ }}", "{{ 1 }} {{ 2\n3 }}",
          "line1\nline2 {{ .nested.a.b.c.d }}", "{{ define \"t\" }}\n\n  {{ .x.y }}{{ end }}{{ template \"t\" .m }}",
          "{{ if .t }}\n{{ index .l 10 }}\n{{ end }}", "{{ range .l }}{{ .x }}{{ end }}", "{{ range .strs }}{{ .x }}{{ end }}",
          "a{{\"\\t\\n\"}}b", "{{ \"\\x41\\u00e9\\U0001F600\\101\" }}", "{{ `a\\nb` }}", "{{ 'x' }}{{ '\\n' }}{{ '\\u00e9' }}",
          "{{ 0b101 }} {{ 0o17 }} {{ 017 }} {{ 0x1F }} {{ 1_000_000 }} {{ +5 }} {{ -0 }} {{ 0.5e1 }} {{ 0x1p4 }}",
          "{{ printf \"%T\" 1 }}{{ printf \"%T\" 1.0 }}{{ printf \"%T\" 'a' }}{{ printf \"%T\" .l }}{{ printf \"%T\" .m }}",
          "{{ $x := 1 }}{{ define \"d\" }}{{ $x }}{{ end }}"]:
    add(t)
# Complex constants are Go-only (values are never complex); tarsctl rejects them with a clear error.
add("{{ 3i }}", expect={"error": "template: core-language-%d:1: complex constants are not supported: \"3i\"" % len(S)})
add("{{ .a }}", missingkey="error"); add("{{ .m.zz }}", missingkey="error"); add("{{ .x.y }}", missingkey="default")
add("{{ $v := .missing }}{{ $v.y }}", missingkey="error"); add("{{ .missing }}", missingkey="default")
add("{{ template \"other\" . }}", templates={"other": "O{{ .s }}"})
add("{{ template \"other\" }}", templates={"other": "{{ define \"inner\" }}I{{ end }}x{{ template \"inner\" }}"})
add("{{ define \"a\" }}1{{ end }}{{ template \"a\" }}", templates={"z": "{{ define \"a\" }}2{{ end }}"})
add("{{ define \"a\" }}1{{ end }}{{ define \"a\" }}2{{ end }}")
add("{{ define \"a\" }}{{ end }}{{ define \"a\" }}2{{ end }}{{ template \"a\" }}")
# tarsctl stops at 10,000 nested template calls (Go: 100,000); see Executor.maxExecDepth.
add("{{ template \"rec\" 0 }}", templates={"rec": "{{ template \"rec\" . }}"}, name="core-deep-recursion",
    expect={"error": "template: rec:1:12: executing \"rec\" at <{{template \"rec\" .}}>: exceeded maximum template depth (10000)"})
write("core-language.jsonl", S)
print("wrote", len(cases) + len(S), "cases")

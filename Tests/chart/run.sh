#!/usr/bin/env bash
# Renders every case of cases.txt with the reference oracle (gotpl), compares the output with
# golden/NAME.yaml (RECORD=1 rewrites the goldens), checks expected failures, validates the
# coalesced values against Values/values.schema.json, and runs check.sh on each render.
# Exit status is non-zero when anything differs or fails. Needs GOTPL (default /tmp/gotpl).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
export GOTPL="${GOTPL:-/tmp/gotpl}"
[ -x "$GOTPL" ] || { echo "gotpl not found at $GOTPL (build it: sh ../shared/oracle/build.sh $GOTPL)" >&2; exit 2; }
python3 -c 'import yaml, jsonschema' 2>/dev/null || python3 -m pip install --quiet pyyaml jsonschema >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failures=0
cases=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# Goldens must be reproducible: no function whose output changes between runs.
if grep -nE '\b(rand[A-Za-z]*|now|uuidv4|lookup|genPrivateKey|genCA|genSelfSignedCert|htpasswd|date)\b' Templates/* \
    | grep -v '^[^:]*:[0-9]*:.*\$(date' ; then
  fail templates "non-deterministic function in Templates/ (above)"
fi

V=Values
X=Tests/chart/variations
while IFS='|' read -r name files expect; do
  name=$(echo "$name" | xargs)
  case "$name" in ''|'#'*|V=*|X=*) continue ;; esac
  expect=$(echo "$expect" | sed 's/^ *//; s/ *$//')
  args=()
  for f in $(eval echo "$files"); do args+=(-f "$f"); done
  cases=$((cases + 1))
  rendered="$out/$name.yaml"
  if ! python3 "$here/oracle_render.py" "${args[@]}" >"$rendered" 2>"$out/$name.err"; then
    case "$expect" in
      error:*)
        want=${expect#error: }
        if grep -qF -- "$want" "$out/$name.err"; then echo "ok   $name (fails as expected)"
        else fail "$name" "error does not mention '$want': $(cat "$out/$name.err")"; fi ;;
      *) fail "$name" "render failed: $(cat "$out/$name.err")" ;;
    esac
    continue
  fi
  case "$expect" in
    error:*) fail "$name" "rendered, but should fail with '${expect#error: }'"; continue ;;
  esac
  # A typo in a template (a key that values.yaml does not have) renders silently in Helm's
  # mode; the strict render (missingkey=error) turns it into an error.
  if ! python3 "$here/oracle_render.py" --strict "${args[@]}" >/dev/null 2>"$out/$name.strict"; then
    fail "$name" "strict render (missing key) failed: $(cat "$out/$name.strict")"; continue
  fi
  if ! python3 "$here/oracle_render.py" --notes "${args[@]}" >"$out/$name.notes" 2>&1 \
      || ! grep -q "Security checklist" "$out/$name.notes"; then
    fail "$name" "NOTES.txt does not render: $(cat "$out/$name.notes")"; continue
  fi
  python3 "$here/values_check.py" "${args[@]}" || { fail "$name" "values do not match the schema"; continue; }
  if [ "$expect" = check-fails ]; then
    if bash "$here/check.sh" "$rendered" >/dev/null 2>&1; then fail "$name" "check.sh passed an insecure render"
    else echo "ok   $name (check.sh rejects it as expected)"; fi
    continue
  fi
  golden="$here/golden/$name.yaml"
  if [ "${RECORD:-}" = 1 ]; then
    cp "$rendered" "$golden"
  elif [ ! -f "$golden" ]; then
    fail "$name" "no golden file (record with RECORD=1)"; continue
  elif ! diff -u "$golden" "$rendered" >"$out/$name.diff"; then
    fail "$name" "differs from golden:"; head -40 "$out/$name.diff"; continue
  fi
  if bash "$here/check.sh" "$rendered"; then echo "ok   $name"
  else fail "$name" "check.sh reported problems"; fi
done <"$here/cases.txt"

echo "$cases cases, $failures failed"
[ "$failures" -eq 0 ] && [ "$cases" -gt 0 ]

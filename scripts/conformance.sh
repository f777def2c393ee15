#!/usr/bin/env bash
# Drives the real kubectl against `tarsctl sandbox` over HTTPS and checks every answer.
# Usage: scripts/conformance.sh [path/to/tarsctl]   (default: builds and uses .build/debug/tarsctl)
# Installs Debian's kubernetes-client only when no kubectl is on PATH. Every step is bounded.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tarsctl=${1:-}
if [ -z "$tarsctl" ]; then
  (cd "$here" && timeout 1800 swift build --product tarsctl >/dev/null) || { echo "build failed"; exit 1; }
  tarsctl="$here/.build/debug/tarsctl"
fi
if ! command -v kubectl >/dev/null 2>&1; then
  sudo -n apt-get install -y kubernetes-client >/dev/null 2>&1 || apt-get install -y kubernetes-client >/dev/null
fi

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
mkdir -p "$HOME"
cleanup() { "$tarsctl" sandbox down --data-dir "$work/data" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

pass=0 fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; echo "$2" | sed 's/^/       /' | head -20; fail=$((fail + 1)); }
k() { timeout 60 kubectl --cache-dir "$work/cache" --request-timeout=20s "$@" 2>&1; }
# expect NAME EXIT-CODE REGEX -- kubectl args…
expect() {
  local name=$1 code=$2 pattern=$3; shift 4
  local out rc
  out=$(k "$@"); rc=$?
  # A here-string, not `echo | grep -q`: grep -q exits at its first match, and under pipefail
  # an echo still writing then fails the pipeline (a passing step reported as failed).
  if [ "$rc" = "$code" ] && grep -Eq -- "$pattern" <<<"$out"; then ok "$name"; else bad "$name (exit $rc)" "$out"; fi
}

start=$(date +%s%N)
if ! timeout 30 "$tarsctl" sandbox up --data-dir "$work/data" --port "$port" --ready-delay-ms 300 >"$work/up.log" 2>&1; then
  cat "$work/up.log"; cat "$work/data/sandbox.log" 2>/dev/null; exit 1
fi
echo "# sandbox up in $(( ($(date +%s%N) - start) / 1000000 )) ms"

expect "kubectl version sees the sandbox" 0 "Server Version: v1\.32" -- version
expect "get namespaces lists the defaults" 0 "kube-system" -- get ns

cat >"$work/cm.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: demo, namespace: default, labels: {app: demo}}
data: {a: "1", b: "2"}
YAML
expect "apply -f creates" 0 "configmap/demo created" -- apply -f "$work/cm.yaml"
expect "apply -f again is unchanged" 0 "configmap/demo unchanged" -- apply -f "$work/cm.yaml"
sed -i 's/b: "2"/b: "3"/' "$work/cm.yaml"
expect "apply -f with a change configures" 0 "configmap/demo configured" -- apply -f "$work/cm.yaml"
expect "get -o yaml shows the change" 0 'b: "3"' -- get cm demo -o yaml

cat >"$work/ssa.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: ssa, namespace: default}
data: {x: "1"}
YAML
expect "apply --server-side creates" 0 "configmap/ssa serverside-applied" -- apply --server-side --field-manager=helm -f "$work/ssa.yaml"
expect "apply --server-side again" 0 "configmap/ssa serverside-applied" -- apply --server-side --field-manager=helm -f "$work/ssa.yaml"
sed -i 's/x: "1"/x: "2"/' "$work/ssa.yaml"
expect "a second manager conflicts" 1 'conflict with "helm"' -- apply --server-side -f "$work/ssa.yaml"
expect "--force-conflicts takes the field" 0 "serverside-applied" -- apply --server-side --force-conflicts -f "$work/ssa.yaml"
expect "managedFields name the new owner" 0 "manager: kubectl" -- get cm ssa -o yaml --show-managed-fields

# get -w sees a MODIFIED event while another client changes the object.
k get cm demo -w -o json --output-watch-events --request-timeout=8s >"$work/watch.out" &
watch_pid=$!
sleep 2
k patch cm demo --type merge -p '{"data":{"c":"4"}}' >/dev/null
sleep 2
kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null
if grep -Eq '"type": ?"MODIFIED"' "$work/watch.out" && grep -Eq '"c": ?"4"' "$work/watch.out"; then ok "get -w sees MODIFIED"; else bad "get -w sees MODIFIED" "$(cat "$work/watch.out")"; fi

cat >"$work/app.yaml" <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: conf}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: conf}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: conf}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: conf}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox:1.36, command: ["true"]}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: conf}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
YAML
expect "apply -f a multi-document app" 0 "deployment.apps/web created" -- apply -f "$work/app.yaml"
expect "rollout status deployment/web" 0 "successfully rolled out" -- -n conf rollout status deployment/web --timeout=30s
expect "wait --for=condition=complete job/migrate" 0 "condition met" -- -n conf wait --for=condition=complete job/migrate --timeout=30s
expect "pvc is Bound" 0 "Bound" -- -n conf get pvc data -o jsonpath='{.status.phase}'
expect "service has a clusterIP" 0 "^10\.96\." -- -n conf get svc web -o jsonpath='{.spec.clusterIP}'
expect "pods of the deployment run" 0 "^Running Running$" -- -n conf get pods -l app=web -o jsonpath='{.items[*].status.phase}'
expect "deployment reports 2 available" 0 "^2$" -- -n conf get deploy web -o jsonpath='{.status.availableReplicas}'
expect "scale deployment" 0 "scaled" -- -n conf scale deployment/web --replicas=3
expect "rollout status after scale" 0 "successfully rolled out" -- -n conf rollout status deployment/web --timeout=30s

sed -i 's/replicas: 2/replicas: 3/' "$work/app.yaml"
expect "diff -f with no change (exit 0)" 0 "" -- diff -f "$work/app.yaml"
sed -i 's/replicas: 3/replicas: 4/' "$work/app.yaml"
expect "diff -f shows the change (exit 1)" 1 "\+  replicas: 4" -- diff -f "$work/app.yaml"
expect "diff did not write (dryRun=All)" 0 "^3$" -- -n conf get deploy web -o jsonpath='{.spec.replicas}'

expect "delete -f removes the configmap" 0 'configmap "demo" deleted' -- delete -f "$work/cm.yaml"
expect "deleted configmap is gone" 1 "NotFound" -- get cm demo
expect "delete namespace" 0 'namespace "conf" deleted' -- delete namespace conf --timeout=30s
expect "namespace is gone" 1 "NotFound" -- get ns conf
expect "its deployment is gone" 0 "No resources found" -- get deployments -A
expect "its pods are gone" 0 "No resources found" -- get pods -A

# Custom resources served for an installed CRD (cert-manager's ClusterIssuer).
cat >"$work/crd.yaml" <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterissuers.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Cluster
  names: {plural: clusterissuers, singular: clusterissuer, kind: ClusterIssuer}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    subresources: {status: {}}
YAML
cat >"$work/issuer.yaml" <<YAML
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec: {acme: {email: ops@example.com}}
YAML
expect "apply a CRD" 0 "customresourcedefinition.apiextensions.k8s.io/clusterissuers.cert-manager.io created" -- apply -f "$work/crd.yaml"
expect "wait for the CRD to be Established" 0 "condition met" -- wait --for=condition=established crd/clusterissuers.cert-manager.io --timeout=20s
expect "apply a custom resource" 0 "clusterissuer.cert-manager.io/letsencrypt created" -- apply -f "$work/issuer.yaml"
sed -i 's/ops@/admin@/' "$work/issuer.yaml"
expect "re-apply a changed custom resource (merge patch)" 0 "configured" -- apply -f "$work/issuer.yaml"
expect "get the custom resource" 0 "admin@example.com" -- get clusterissuer letsencrypt -o yaml

# Authentication: the kubeconfig's token or a client certificate signed by the sandbox CA, nothing else.
url=$(cat "$work/data/endpoint")
code=$(curl -sk -o "$work/unauth.json" -w '%{http_code}' -H "Authorization: Bearer wrong" "$url/api/v1/namespaces" || true)
if [ "$code" = 401 ] && grep -q '"reason":"Unauthorized"' "$work/unauth.json"; then ok "wrong token is 401 Unauthorized"; else bad "wrong token is 401" "$code $(cat "$work/unauth.json")"; fi
if command -v openssl >/dev/null; then
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/client.key" -subj "/CN=tester" -out "$work/client.csr" 2>/dev/null
  openssl x509 -req -in "$work/client.csr" -CA "$work/data/ca.crt" -CAkey "$work/data/ca.key" -CAcreateserial -days 1 -out "$work/client.crt" 2>/dev/null
  code=$(curl -s --cacert "$work/data/ca.crt" --cert "$work/client.crt" --key "$work/client.key" -o /dev/null -w '%{http_code}' "$url/api/v1/namespaces" || true)
  if [ "$code" = 200 ]; then ok "client certificate signed by the CA is accepted"; else bad "client certificate accepted" "$code"; fi
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/rogue.key" -subj "/CN=rogue" -days 1 -out "$work/rogue.crt" 2>/dev/null
  code=$(curl -s --cacert "$work/data/ca.crt" --cert "$work/rogue.crt" --key "$work/rogue.key" -o /dev/null -w '%{http_code}' "$url/api/v1/namespaces" || true)
  if [ "$code" != 200 ]; then ok "self-signed client certificate is refused ($code)"; else bad "self-signed client certificate refused" "$code"; fi
fi

# State survives a restart.
"$tarsctl" sandbox down --data-dir "$work/data" >/dev/null
timeout 30 "$tarsctl" sandbox up --data-dir "$work/data" --port "$port" >/dev/null 2>&1
expect "objects persist across down/up" 0 "configmap/ssa" -- get cm ssa -o name
expect "custom resources persist too" 0 "letsencrypt" -- get clusterissuer letsencrypt -o name

# Fault injection (flags of `sandbox serve`; the same settings come from SANDBOX_FAULT_* variables).
serve_faulty() { # data-dir port flags…
  local dir=$1 p=$2; shift 2
  timeout 30 "$tarsctl" sandbox serve --data-dir "$dir" --port "$p" "$@" >/dev/null 2>&1 &
  echo $! >"$dir.pid"
  for _ in $(seq 100); do [ -f "$dir/endpoint" ] && break; sleep 0.05; done
}
stop_faulty() { kill "$(cat "$1.pid")" 2>/dev/null; wait "$(cat "$1.pid")" 2>/dev/null; }
fport=$((port + 1))
SANDBOX_FAULT_429_RATE=1 serve_faulty "$work/f429" "$fport"
hdrs=$(curl -sk -D - -o /dev/null -H "Authorization: Bearer $(cat "$work/f429/token")" "https://127.0.0.1:$fport/api/v1/namespaces" || true)
if grep -Eq "^HTTP/(1\.1|2) 429" <<<"$hdrs" && grep -qi "^retry-after: 1" <<<"$hdrs"; then ok "fault: 429 with Retry-After"; else bad "fault: 429 with Retry-After" "$hdrs"; fi
stop_faulty "$work/f429"
serve_faulty "$work/f500" "$fport" --fault500-rate 1
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/f500/token")" "https://127.0.0.1:$fport/version" || true)
if [ "$code" = 500 ]; then ok "fault: 500 answers"; else bad "fault: 500 answers" "$code"; fi
stop_faulty "$work/f500"
serve_faulty "$work/flat" "$fport" --fault-latency-ms 400
t=$(curl -sk -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $(cat "$work/flat/token")" "https://127.0.0.1:$fport/version" || true)
if awk -v t="$t" 'BEGIN { exit !(t >= 0.4) }'; then ok "fault: added latency (${t}s)"; else bad "fault: added latency" "$t"; fi
stop_faulty "$work/flat"
serve_faulty "$work/fdrop" "$fport" --fault-drop-rate 1
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/fdrop/token")" "https://127.0.0.1:$fport/version" || true)
if [ "$code" = 000 ]; then ok "fault: dropped connection"; else bad "fault: dropped connection" "$code"; fi
stop_faulty "$work/fdrop"
serve_faulty "$work/fref" "$fport" --fault-refuse-seconds 1.5
first=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$fport/version" || true)
sleep 1.6
second=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/fref/token")" "https://127.0.0.1:$fport/version" || true)
if [ "$first" = 000 ] && [ "$second" = 200 ]; then ok "fault: refuses connections for a while"; else bad "fault: refuses connections for a while" "$first then $second"; fi
stop_faulty "$work/fref"

"$tarsctl" sandbox down --data-dir "$work/data" >/dev/null
echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]

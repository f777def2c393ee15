{{/* Chart name, at most 63 characters. */}}
{{- define "tars.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object-name prefix: the release name, with the chart name added unless it is already in it. */}}
{{- define "tars.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tars.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "tars.labels" -}}
helm.sh/chart: {{ include "tars.chart" . }}
{{ include "tars.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tars
{{- end }}

{{- define "tars.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tars.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component: (dict "root" $ "component" "backend"). */}}
{{- define "tars.componentLabels" -}}
{{ include "tars.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tars.componentSelectorLabels" -}}
{{ include "tars.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Service names, one per component. */}}
{{- define "tars.backend.serviceName" -}}
{{- printf "%s-backend" (include "tars.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "tars.postgresql.serviceName" -}}
{{- printf "%s-postgresql" (include "tars.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "tars.redis.serviceName" -}}
{{- printf "%s-redis" (include "tars.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "tars.chromadb.serviceName" -}}
{{- printf "%s-chromadb" (include "tars.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "tars.ollama.serviceName" -}}
{{- printf "%s-ollama" (include "tars.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tars.configMapName" -}}
{{- printf "%s-config" (include "tars.fullname" .) }}
{{- end }}

{{- define "tars.secretName" -}}
{{- default (printf "%s-secrets" (include "tars.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{- define "tars.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tars.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: (dict "image" .Values.x.image "default" "tag-if-empty"). */}}
{{- define "tars.image" -}}
{{- $tag := .image.tag | default (get . "default") | toString }}
{{- if .image.digest }}
{{- printf "%s:%s@%s" .image.repository $tag .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{/* Pod security context: the shared one with the component's keys merged over it. */}}
{{- define "tars.podSecurityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.podSecurityContext) (deepCopy (get .component "podSecurityContext" | default dict))) }}
{{- end }}

{{/* Container security context, likewise. */}}
{{- define "tars.securityContext" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.securityContext) (deepCopy (get .component "securityContext" | default dict))) }}
{{- end }}

{{/* Data-store endpoints the backend uses, internal service or external value. */}}
{{- define "tars.postgresql.host" -}}
{{- if .Values.postgresql.enabled }}
{{- include "tars.postgresql.serviceName" . }}
{{- else }}
{{- required "postgresql.enabled is false: set the external database host with --set postgresql.external.host=<host>" .Values.postgresql.external.host }}
{{- end }}
{{- end }}
{{- define "tars.postgresql.port" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.port | int }}{{ else }}{{ .Values.postgresql.external.port | int }}{{ end }}
{{- end }}

{{- define "tars.redis.host" -}}
{{- if .Values.redis.enabled }}
{{- include "tars.redis.serviceName" . }}
{{- else }}
{{- .Values.redis.external.host }}
{{- end }}
{{- end }}
{{- define "tars.redis.port" -}}
{{- if .Values.redis.enabled }}{{ .Values.redis.port | int }}{{ else }}{{ .Values.redis.external.port | int }}{{ end }}
{{- end }}

{{- define "tars.chromadb.url" -}}
{{- if .Values.chromadb.enabled }}
{{- printf "http://%s:%d" (include "tars.chromadb.serviceName" .) (.Values.chromadb.port | int) }}
{{- else }}
{{- .Values.chromadb.external.url }}
{{- end }}
{{- end }}

{{- define "tars.ollama.url" -}}
{{- if .Values.ollama.enabled }}
{{- printf "http://%s:%d" (include "tars.ollama.serviceName" .) (.Values.ollama.port | int) }}
{{- else }}
{{- .Values.ollama.external.url }}
{{- end }}
{{- end }}

{{/* CORS origins, comma-separated: the configured list, else the Ingress host over HTTPS. */}}
{{- define "tars.corsOrigins" -}}
{{- if .Values.config.api.corsAllowedOrigins }}
{{- join "," .Values.config.api.corsAllowedOrigins }}
{{- else if and .Values.ingress.enabled .Values.ingress.host }}
{{- printf "https://%s" .Values.ingress.host }}
{{- end }}
{{- end }}

{{/*
One secret value: the given value, else (development only, when allowed) a deterministic
development value derived from the release, else a `required` failure naming the --set flag.
Argument: (dict "root" $ "key" "jwtSecretKey" "value" .Values.secrets.jwtSecretKey).
*/}}
{{- define "tars.secretValue" -}}
{{- $root := .root }}
{{- $v := .value | default "" | toString }}
{{- if $v }}
{{- if regexMatch "(?i)(chang[e][-_]?me|repla[c]e[-_]?(with|me)|you[r][-_]?secret|^password$|^secret$)" $v }}
{{- fail (printf "secrets.%s looks like a placeholder; pass a real value with --set secrets.%s=..." .key .key) }}
{{- end }}
{{- $v }}
{{- else if and (eq $root.Values.environment "development") $root.Values.secrets.developmentFallback }}
{{- printf "insecure-development-only-%s" (sha256sum (printf "%s/%s/%s" $root.Release.Namespace $root.Release.Name .key) | trunc 40) }}
{{- else }}
{{- required (printf "secrets.%s is required in %s: pass it with --set secrets.%s=... (or use secrets.existingSecret)" .key $root.Values.environment .key) "" }}
{{- end }}
{{- end }}

{{/* The ConfigMap's data: exactly the ConfigMap variables of docs/configuration.md. */}}
{{- define "tars.configData" -}}
{{- $c := .Values.config -}}
# app
APP_NAME: {{ $c.app.name | quote }}
APP_VERSION: {{ $c.app.version | default .Chart.AppVersion | quote }}
ENVIRONMENT: {{ .Values.environment | quote }}
LOG_LEVEL: {{ $c.app.logLevel | quote }}
LOG_FORMAT: {{ $c.app.logFormat | quote }}
HOST: {{ $c.app.host | quote }}
PORT: {{ .Values.backend.ports.http | int | quote }}
METRICS_PORT: {{ .Values.backend.ports.metrics | int | quote }}
REQUEST_TIMEOUT_SECONDS: {{ $c.app.requestTimeoutSeconds | int | quote }}
MAX_REQUEST_BODY_BYTES: {{ $c.app.maxRequestBodyBytes | int | quote }}
# API and CORS
CORS_ALLOWED_ORIGINS: {{ include "tars.corsOrigins" . | quote }}
CORS_ALLOW_CREDENTIALS: {{ $c.api.corsAllowCredentials | toString | quote }}
RATE_LIMIT_PER_MINUTE: {{ $c.api.rateLimitPerMinute | int | quote }}
HTTPS_ENFORCE: {{ $c.api.httpsEnforce | toString | quote }}
SECURITY_HEADERS_ENABLED: {{ $c.api.securityHeadersEnabled | toString | quote }}
# Ollama
OLLAMA_URL: {{ include "tars.ollama.url" . | quote }}
OLLAMA_MODEL: {{ $c.ollama.model | quote }}
OLLAMA_TIMEOUT_SECONDS: {{ $c.ollama.timeoutSeconds | int | quote }}
# ChromaDB
CHROMA_URL: {{ include "tars.chromadb.url" . | quote }}
CHROMA_COLLECTION: {{ $c.chroma.collection | quote }}
# PostgreSQL
POSTGRES_HOST: {{ include "tars.postgresql.host" . | quote }}
POSTGRES_PORT: {{ include "tars.postgresql.port" . | quote }}
POSTGRES_DB: {{ .Values.postgresql.auth.database | quote }}
POSTGRES_USER: {{ .Values.postgresql.auth.username | quote }}
POSTGRES_POOL_SIZE: {{ $c.postgres.poolSize | int | quote }}
# Redis and cache
REDIS_HOST: {{ include "tars.redis.host" . | quote }}
REDIS_PORT: {{ include "tars.redis.port" . | quote }}
REDIS_DB: {{ $c.redis.db | int | quote }}
CACHE_ENABLED: {{ $c.cache.enabled | toString | quote }}
CACHE_TTL_SECONDS: {{ $c.cache.ttlSeconds | int | quote }}
# RAG
RAG_CHUNK_SIZE: {{ $c.rag.chunkSize | int | quote }}
RAG_CHUNK_OVERLAP: {{ $c.rag.chunkOverlap | int | quote }}
RAG_TOP_K: {{ $c.rag.topK | int | quote }}
RAG_MAX_TOP_K: {{ $c.rag.maxTopK | int | quote }}
RAG_MIN_SCORE: {{ $c.rag.minScore | toString | quote }}
EMBEDDING_MODEL: {{ $c.rag.embeddingModel | quote }}
# production
ANALYTICS_ENABLED: {{ $c.production.analyticsEnabled | toString | quote }}
METRICS_ENABLED: {{ $c.production.metricsEnabled | toString | quote }}
READY_CHECK_TIMEOUT_SECONDS: {{ $c.production.readyCheckTimeoutSeconds | int | quote }}
# JWT
JWT_ALGORITHM: {{ $c.jwt.algorithm | quote }}
JWT_ACCESS_TOKEN_TTL_MINUTES: {{ $c.jwt.accessTokenTtlMinutes | int | quote }}
JWT_REFRESH_TOKEN_TTL_DAYS: {{ $c.jwt.refreshTokenTtlDays | int | quote }}
{{- end }}

{{/* The Secret's data (base64): JWT_SECRET_KEY, POSTGRES_PASSWORD, ADMIN_CLIENT_IDS. */}}
{{- define "tars.secretData" -}}
{{- $jwt := include "tars.secretValue" (dict "root" . "key" "jwtSecretKey" "value" .Values.secrets.jwtSecretKey) }}
{{- if lt (len $jwt) 32 }}
{{- fail "secrets.jwtSecretKey must be at least 32 characters (HS256 key)" }}
{{- end -}}
JWT_SECRET_KEY: {{ $jwt | b64enc | quote }}
POSTGRES_PASSWORD: {{ include "tars.secretValue" (dict "root" . "key" "postgresPassword" "value" .Values.secrets.postgresPassword) | b64enc | quote }}
ADMIN_CLIENT_IDS: {{ .Values.secrets.adminClientIds | default "" | toString | b64enc | quote }}
{{- end }}

{{/* Init container that waits for host:port: (dict "root" $ "name" "postgresql" "host" h "port" p). */}}
{{- define "tars.waitFor" -}}
{{- $w := .root.Values.backend.waitForDependencies -}}
- name: wait-for-{{ .name }}
  image: {{ include "tars.image" (dict "image" $w.image) }}
  imagePullPolicy: {{ $w.image.pullPolicy }}
  command:
    - sh
    - -c
    - |
      deadline=$(( $(date +%s) + {{ $w.timeoutSeconds | int }} ))
      until nc -z -w 2 {{ .host }} {{ .port }}; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
          echo "{{ .name }} ({{ .host }}:{{ .port }}) not reachable after {{ $w.timeoutSeconds | int }}s" >&2
          exit 1
        fi
        echo "waiting for {{ .name }} at {{ .host }}:{{ .port }}"
        sleep 2
      done
  resources:
    {{- toYaml $w.resources | nindent 4 }}
  securityContext:
    {{- include "tars.securityContext" (dict "root" .root "component" dict) | nindent 4 }}
{{- end }}

{{/* Host part of a URL like http://host:port/path. */}}
{{- define "tars.urlHost" -}}
{{- regexReplaceAll "^[a-zA-Z]+://([^/:]+).*$" . "${1}" }}
{{- end }}
{{/* Port of a URL, or the scheme's default. */}}
{{- define "tars.urlPort" -}}
{{- if regexMatch "^[a-zA-Z]+://[^/:]+:[0-9]+" . }}
{{- regexReplaceAll "^[a-zA-Z]+://[^/:]+:([0-9]+).*$" . "${1}" }}
{{- else if hasPrefix "https://" . }}443{{ else }}80{{ end }}
{{- end }}

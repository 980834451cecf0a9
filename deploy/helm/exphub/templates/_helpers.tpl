{{/* The chart's name. */}}
{{- define "exphub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified name of this release's objects. The release name alone
when it already contains the chart's name, except with the Neo4j dependency,
whose Service is named after the release.
*/}}
{{- define "exphub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if and (contains $name .Release.Name) (not .Values.neo4j.enabled) }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "exphub.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "exphub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "exphub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "exphub.labels" -}}
helm.sh/chart: {{ include "exphub.chart" . }}
{{ include "exphub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: exphub
{{- end }}

{{- define "exphub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "exphub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read their secret settings from. */}}
{{- define "exphub.secretName" -}}
{{- default (include "exphub.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The Neo4j URI: the dependency's Service, or the external one. */}}
{{- define "exphub.neo4jURI" -}}
{{- if .Values.neo4j.enabled }}
{{- printf "bolt://%s.%s.svc:7687" .Release.Name .Release.Namespace }}
{{- else }}
{{- required "externalNeo4j.uri is required" .Values.externalNeo4j.uri }}
{{- end }}
{{- end }}

{{/* Whether tokens are verified against a JWKS (else HS256 with a secret). */}}
{{- define "exphub.jwks" -}}
{{- if .Values.auth.jwksURL }}true{{ end }}
{{- end }}

{{/*
The artifact settings of the ConfigMap: EXPHUB_ARTIFACT_ROOT from
artifacts.s3 or artifacts.persistentVolumeClaim (one at most), and the
limit.
*/}}
{{- define "exphub.artifactsConfig" -}}
{{- $a := .Values.artifacts }}
{{- if and $a.s3.enabled $a.persistentVolumeClaim.enabled }}
{{- fail "artifacts.s3.enabled and artifacts.persistentVolumeClaim.enabled: choose one place for artifacts" }}
{{- end }}
EXPHUB_ARTIFACT_MAX_BYTES: {{ int64 $a.maxBytes | toString | quote }}
{{- if $a.s3.enabled }}
EXPHUB_ARTIFACT_ROOT: {{ printf "s3://%s/%s" (required "artifacts.s3.bucket is required with artifacts.s3.enabled" $a.s3.bucket) (trimAll "/" $a.s3.prefix) | trimSuffix "/" | quote }}
{{- with $a.s3.endpoint }}
EXPHUB_S3_ENDPOINT: {{ . | quote }}
{{- end }}
{{- with $a.s3.region }}
EXPHUB_S3_REGION: {{ . | quote }}
{{- end }}
{{- if $a.s3.pathStyle }}
EXPHUB_S3_PATH_STYLE: "true"
{{- end }}
{{- else if $a.persistentVolumeClaim.enabled }}
EXPHUB_ARTIFACT_ROOT: {{ $a.persistentVolumeClaim.mountPath | quote }}
{{- end }}
{{- end }}

{{/* What validation runs may read remotely, and how they reach S3. */}}
{{- define "exphub.validationConfig" -}}
{{- $v := .Values.validation }}
{{- with $v.sources }}
EXPHUB_VALIDATION_SOURCES: {{ join "," . | quote }}
{{- end }}
{{- if or $v.s3.endpoint $v.s3.region $v.s3.pathStyle }}
{{- if .Values.artifacts.s3.enabled }}
{{- fail "validation.s3: artifacts.s3 is enabled and sets how the hub reaches S3 for artifacts and validation sources alike; set it there" }}
{{- end }}
{{- $s3 := false }}
{{- range $v.sources }}{{ if hasPrefix "s3://" . }}{{ $s3 = true }}{{ end }}{{ end }}
{{- if not $s3 }}
{{- fail "validation.s3 applies to s3:// validation.sources, and there are none" }}
{{- end }}
{{- with $v.s3.endpoint }}
EXPHUB_S3_ENDPOINT: {{ . | quote }}
{{- end }}
{{- with $v.s3.region }}
EXPHUB_S3_REGION: {{ . | quote }}
{{- end }}
{{- if $v.s3.pathStyle }}
EXPHUB_S3_PATH_STYLE: "true"
{{- end }}
{{- end }}
{{- end }}

{{/* The claim artifacts are kept on, with artifacts.persistentVolumeClaim. */}}
{{- define "exphub.artifactsClaim" -}}
{{- default (printf "%s-artifacts" (include "exphub.fullname" .)) .Values.artifacts.persistentVolumeClaim.existingClaim }}
{{- end }}

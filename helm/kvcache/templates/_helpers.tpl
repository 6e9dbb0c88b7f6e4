{{/* Chart name, overridable. */}}
{{- define "kvcache.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix: <release>-<chart>, or the release alone when it already holds the chart
name. 52 characters at most, so the StatefulSet's pods' controller-revision-hash label fits. */}}
{{- define "kvcache.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service: the pods' stable DNS names and the peers' addresses. */}}
{{- define "kvcache.headlessName" -}}
{{- printf "%s-headless" (include "kvcache.fullname" .) }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "kvcache.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kvcache.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pods (never change them: a StatefulSet's selector is immutable). */}}
{{- define "kvcache.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kvcache.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kvcache.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "kvcache.secretName" -}}
{{- default (include "kvcache.fullname" .) .Values.auth.existingSecret }}
{{- end }}

{{/* The domain under which each pod has a stable DNS name, <pod>.<this>, with the namespace
left to the shell variable POD_NAMESPACE (from the downward API), so the plain manifests rendered
from the chart work in any namespace. */}}
{{- define "kvcache.podDomain" -}}
{{- printf "%s.${POD_NAMESPACE}.svc.%s" (include "kvcache.headlessName" .) .Values.clusterDomain }}
{{- end }}

{{/* A generated secret value that survives `helm upgrade`: the value given, else the one already
in the release's Secret, else a new random one. */}}
{{- define "kvcache.secretValue" -}}
{{- $ctx := index . 0 }}
{{- $given := index . 1 }}
{{- $key := index . 2 }}
{{- if $given }}
{{- $given | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" $ctx.Release.Namespace (include "kvcache.fullname" $ctx) }}
{{- if and $existing (hasKey $existing.data $key) }}
{{- index $existing.data $key }}
{{- else }}
{{- randAlphaNum 32 | b64enc }}
{{- end }}
{{- end }}
{{- end }}

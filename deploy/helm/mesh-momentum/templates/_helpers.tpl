{{/* Names and labels, as `helm create` scaffolds them. */}}
{{- define "mm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mm.fullname" -}}
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

{{- define "mm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The services this chart runs, each a Deployment of the one image: `mesh-momentum <component>`. */}}
{{- define "mm.components" -}}
{{- list "processor" "ingest" "dashboard" "alerter" | toJson }}
{{- end }}

{{/* Name of one component's objects: <fullname>-<component>. Argument: (dict "root" $ "component" name). */}}
{{- define "mm.componentName" -}}
{{- printf "%s-%s" (include "mm.fullname" .root | trunc 52 | trimSuffix "-") .component }}
{{- end }}

{{- define "mm.labels" -}}
helm.sh/chart: {{ include "mm.chart" . }}
{{ include "mm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "mm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component. Argument: (dict "root" $ "component" name). */}}
{{- define "mm.componentLabels" -}}
{{ include "mm.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "mm.componentSelectorLabels" -}}
{{ include "mm.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The ports a component listens on, as a JSON list of {name, port}. `ops` carries /healthz, /readyz and
/metrics; where a service serves those on its one port, that port is `http`.
*/}}
{{- define "mm.ports" -}}
{{- $v := index .root.Values .component }}
{{- if eq .component "processor" }}
{{- list (dict "name" "ops" "port" $v.opsPort) | toJson }}
{{- else if eq .component "ingest" }}
{{- list (dict "name" "http" "port" $v.httpPort) (dict "name" "ops" "port" $v.opsPort) | toJson }}
{{- else }}
{{- list (dict "name" "http" "port" $v.httpPort) | toJson }}
{{- end }}
{{- end }}

{{/* The port (by name) serving a component's probes and /metrics. */}}
{{- define "mm.opsPortName" -}}
{{- if has .component (list "processor" "ingest") }}ops{{ else }}http{{ end }}
{{- end }}

{{/* Mebibytes of a memory quantity given in Mi or Gi; anything else is refused (the heap is derived from it). */}}
{{- define "mm.mebibytes" -}}
{{- $q := toString . }}
{{- if regexMatch "^[0-9]+Gi$" $q }}
{{- mul (trimSuffix "Gi" $q | atoi) 1024 }}
{{- else if regexMatch "^[0-9]+Mi$" $q }}
{{- trimSuffix "Mi" $q | atoi }}
{{- else }}
{{- fail (printf "processor.resources.limits.memory must be a whole number of Mi or Gi (got %q): the processor's memory budget is derived from it" $q) }}
{{- end }}
{{- end }}

{{/*
The processor's memory budget (MM_PROCESSOR_MEMORY_MB), MiB, derived from its memory limit:
budget = limit × budgetPercent / 100. The processor derives its heap limit, mirror budget and fetch
sizes from the budget itself (services/processor/src/memory-budget.ts). JSON {budgetMiB}.
*/}}
{{- define "mm.processorMemory" -}}
{{- $p := .Values.processor }}
{{- $limit := include "mm.mebibytes" (required "processor.resources.limits.memory is required: the processor's memory budget is derived from it" $p.resources.limits.memory) | atoi }}
{{- $budget := div (mul $limit (int $p.memory.budgetPercent)) 100 }}
{{- if lt $budget 128 }}
{{- fail (printf "processor.resources.limits.memory %s leaves a memory budget of %d MiB (processor.memory.budgetPercent %d%%), below the processor's least of 128 MiB: raise the limit" $p.resources.limits.memory $budget (int $p.memory.budgetPercent)) }}
{{- end }}
{{- if gt $budget 65536 }}
{{- fail (printf "processor.resources.limits.memory %s gives a memory budget of %d MiB, above the processor's most of 65536 MiB: lower processor.memory.budgetPercent" $p.resources.limits.memory $budget) }}
{{- end }}
{{- /* Headroom under the limit: the launcher (~50 MiB) and the excursion above the budget seen while a
processor falls behind a sustained rate (~20 %, docs/processor.md "Memory"); less would be OOM-killed. */}}
{{- $headroom := add 50 (div $budget 5) }}
{{- if lt (sub $limit $budget) $headroom }}
{{- fail (printf "processor.resources.limits.memory %s leaves %d MiB above the memory budget of %d MiB, less than the %d MiB the launcher and an overload take (50 MiB + 20%% of the budget): raise the limit or lower processor.memory.budgetPercent" $p.resources.limits.memory (sub $limit $budget) $budget $headroom) }}
{{- end }}
{{- dict "budgetMiB" $budget | toJson }}
{{- end }}

{{/* The one image every component runs. */}}
{{- define "mm.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Secret references: one env entry reading `name` from key `ref.key` of Secret `ref.name`. */}}
{{- define "mm.secretRef" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .ref.name | quote }}
      key: {{ .ref.key | quote }}
{{- end }}

{{- define "mm.scoringEnabled" -}}
{{- if and .root.Values.scoring.config (has .component (list "processor" "dashboard")) }}true{{ end }}
{{- end }}

{{/* Where mounted files live inside the pods. */}}
{{- define "mm.scoringFile" -}}/etc/mesh-momentum/scoring/scoring.json{{- end }}
{{- define "mm.ingestConfigDir" -}}/etc/mesh-momentum/ingest/gateway{{- end }}
{{- define "mm.ingestIdentityDir" -}}/etc/mesh-momentum/ingest/identity{{- end }}

{{/* A component's writable /tmp and read-only mounted files. Argument: (dict "root" $ "component" name). */}}
{{- define "mm.volumeMounts" -}}
{{- $own := index .root.Values .component }}
- name: tmp
  mountPath: /tmp
{{- if include "mm.scoringEnabled" . }}
- name: scoring
  mountPath: {{ include "mm.scoringFile" . | dir }}
  readOnly: true
{{- end }}
{{- if and (eq .component "ingest") $own.configSecret.name }}
- name: gateway
  mountPath: {{ include "mm.ingestConfigDir" . }}
  readOnly: true
{{- end }}
{{- if and (eq .component "ingest") $own.identityConfigMap.name }}
- name: identity
  mountPath: {{ include "mm.ingestIdentityDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "mm.volumes" -}}
{{- $own := index .root.Values .component }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSizeLimit }}
{{- if include "mm.scoringEnabled" . }}
- name: scoring
  configMap:
    name: {{ include "mm.fullname" .root }}-scoring
{{- end }}
{{- if and (eq .component "ingest") $own.configSecret.name }}
- name: gateway
  secret:
    secretName: {{ $own.configSecret.name }}
{{- end }}
{{- if and (eq .component "ingest") $own.identityConfigMap.name }}
- name: identity
  configMap:
    name: {{ $own.identityConfigMap.name }}
{{- end }}
{{- end }}

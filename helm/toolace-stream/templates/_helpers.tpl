{{- define "toolace-stream.selectorLabels" -}}
app.kubernetes.io/name: toolace-stream
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "toolace-stream.labels" -}}
{{ include "toolace-stream.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "toolace-stream.clientConfigSecret" -}}
{{- .Values.kafka.existingClientConfigSecret | default (printf "%s-client-config" .Release.Name) -}}
{{- end -}}

{{- define "toolace-stream.hasClientConfig" -}}
{{- if or .Values.kafka.existingClientConfigSecret .Values.kafka.clientProperties }}true{{ end -}}
{{- end -}}

{{- define "toolace-stream.apiKeySecret" -}}
{{- .Values.llm.apiKey.existingSecret | default (printf "%s-llm-api-key" .Release.Name) -}}
{{- end -}}

{{- define "toolace-stream.hasApiKey" -}}
{{- if or .Values.llm.apiKey.existingSecret .Values.llm.apiKey.value }}true{{ end -}}
{{- end -}}

{{/*
client.properties of kafka.clientProperties, one key=value a line, sorted; backslashes and line breaks escaped
as Java reads a properties file, so a multi-line value (a PEM certificate) arrives whole.
*/}}
{{- define "toolace-stream.clientProperties" -}}
{{- range $key, $value := .Values.kafka.clientProperties }}
{{ $key }}={{ $value | toString | replace "\\" "\\\\" | replace "\n" "\\n" }}
{{- end }}
{{- end -}}

{{/* The client-config Secret; "hook" makes it the topics Job's own copy, there before the release's resources. */}}
{{- define "toolace-stream.clientConfigSecretManifest" -}}
{{- $root := index . 0 -}}
{{- $hook := index . 1 -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "toolace-stream.clientConfigSecret" $root }}{{ if $hook }}-hook{{ end }}
  labels:
    {{- include "toolace-stream.labels" $root | nindent 4 }}
  {{- if $hook }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- end }}
type: Opaque
stringData:
  client.properties: |
    {{- include "toolace-stream.clientProperties" $root | nindent 4 }}
{{- end -}}

{{/* Settings every process reads from its environment. */}}
{{- define "toolace-stream.env" -}}
- name: TOOLACE_BOOTSTRAP_SERVERS
  value: {{ required "kafka.bootstrapServers is required: the chart brings no Kafka" .Values.kafka.bootstrapServers | quote }}
- name: TOOLACE_REGISTRY_URL
  value: {{ required "registry.url is required: the chart brings no schema registry" .Values.registry.url | quote }}
- name: TOOLACE_TOPIC_PREFIX
  value: {{ .Values.topics.prefix | quote }}
- name: TOOLACE_PARTITIONS
  value: {{ .Values.topics.partitions | quote }}
- name: TOOLACE_REPLICATION
  value: {{ .Values.topics.replication | quote }}
- name: TOOLACE_DATA_DIR
  value: /data
{{- end -}}

{{/* Volumes of the client config, the LLM config, the mounted secrets and /tmp (the root file system is read-only). */}}
{{- define "toolace-stream.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if include "toolace-stream.hasClientConfig" .root }}
- name: client-config
  secret:
    secretName: {{ include "toolace-stream.clientConfigSecret" .root }}{{ if and .hook (not .root.Values.kafka.existingClientConfigSecret) }}-hook{{ end }}
    items:
      - {key: client.properties, path: client.properties}
{{- end }}
{{- if and .root.Values.llm.config (not .hook) }}
- name: llm-config
  configMap:
    name: {{ .root.Release.Name }}-llm-config
{{- end }}
{{- range .root.Values.kafka.secretMounts }}
- name: {{ .name }}
  secret:
    secretName: {{ .secretName }}
{{- end }}
{{- end -}}

{{- define "toolace-stream.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "toolace-stream.hasClientConfig" .root }}
- name: client-config
  mountPath: /etc/toolace/client.properties
  subPath: client.properties
  readOnly: true
{{- end }}
{{- if and .root.Values.llm.config (not .hook) }}
- name: llm-config
  mountPath: /etc/toolace/llm.yaml
  subPath: llm.yaml
  readOnly: true
{{- end }}
{{- range .root.Values.kafka.secretMounts }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "toolace-stream.clientConfigArgs" -}}
{{- if include "toolace-stream.hasClientConfig" . }}
- --client-config=/etc/toolace/client.properties
{{- end }}
{{- end -}}

{{- define "toolace-stream.labels" -}}
app.kubernetes.io/name: toolace-stream
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

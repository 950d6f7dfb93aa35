{{/* The release-wide name prefix. */}}
{{- define "reviewtrail.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects; call with (dict "root" $ "name" "command"). */}}
{{- define "reviewtrail.componentName" -}}
{{- printf "%s-%s" (include "reviewtrail.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "reviewtrail.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: reviewtrail
{{- end -}}

{{/* Selector labels of one service; call with (dict "root" $ "name" "command"). */}}
{{- define "reviewtrail.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "reviewtrail.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the client CA for mTLS. */}}
{{- define "reviewtrail.clientCASecret" -}}
{{- default .Values.tls.existingSecret .Values.tls.clientCA.secret -}}
{{- end -}}

{{/*
The environment of each component, split in two: `mm.env` gives the non-secret variables (the
component's ConfigMap, a JSON object of strings), `mm.secretEnv` the secret ones, only as references to
existing Secrets. Argument of both: (dict "root" $ "component" name).
*/}}

{{- define "mm.env" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $c := .component }}
{{- $own := index $v $c }}
{{- $env := dict }}
{{- $usesKafka := ne $c "dashboard" }}

{{- /* Shared: Kafka and the registry for the services that use Kafka. */}}
{{- if $usesKafka }}
{{- $_ := set $env "MM_KAFKA_BROKERS" (required "kafka.brokers is required" $v.kafka.brokers) }}
{{- if $v.kafka.tls.enabled }}
{{- $_ := set $env "MM_KAFKA_SSL" "true" }}
{{- $_ := set $env "MM_KAFKA_SSL_REJECT_UNAUTHORIZED" (toString $v.kafka.tls.rejectUnauthorized) }}
{{- end }}
{{- if ne $v.kafka.sasl.mechanism "none" }}
{{- $_ := set $env "MM_KAFKA_SASL_MECHANISM" $v.kafka.sasl.mechanism }}
{{- $_ := set $env "MM_KAFKA_SASL_USERNAME" (required "kafka.sasl.username is required with a SASL mechanism" $v.kafka.sasl.username) }}
{{- end }}
{{- $_ := set $env "MM_SCHEMA_REGISTRY_URL" (required "schemaRegistry.url is required" $v.schemaRegistry.url) }}
{{- if $v.schemaRegistry.username }}
{{- $_ := set $env "MM_SCHEMA_REGISTRY_USERNAME" $v.schemaRegistry.username }}
{{- end }}
{{- end }}
{{- /* The events topics: the processor reads them, the gateway writes them. */}}
{{- if has $c (list "processor" "ingest") }}
{{- $_ := set $env "MM_TOPIC_EVENTS" $v.topics.events }}
{{- $_ := set $env "MM_TOPIC_DLQ" $v.topics.deadLetter }}
{{- end }}

{{- /* Shared: Redis (the URL here only when it carries no credentials), logging, shutdown. */}}
{{- if not $v.redis.urlSecret.name }}
{{- if contains "@" $v.redis.url }}
{{- fail "redis.url must not carry user:password@ (it would land in a ConfigMap): put the URL in a Secret and name it in redis.urlSecret" }}
{{- end }}
{{- $_ := set $env "MM_REDIS_URL" (required "redis.url or redis.urlSecret.name is required" $v.redis.url) }}
{{- end }}
{{- $_ := set $env "MM_REDIS_KEY_PREFIX" $v.redis.keyPrefix }}
{{- if $v.redis.clusterNodes }}
{{- $_ := set $env "MM_REDIS_CLUSTER_NODES" (join "," $v.redis.clusterNodes) }}
{{- end }}
{{- $_ := set $env "MM_LOG_LEVEL" $v.logLevel }}
{{- $_ := set $env "MM_SHUTDOWN_TIMEOUT_MS" (toString (int $v.shutdownTimeoutMs)) }}
{{- if include "mm.scoringEnabled" . }}
{{- $_ := set $env "MM_SCORING_CONFIG_FILE" (include "mm.scoringFile" .) }}
{{- end }}

{{- /* Each component's own section. Every server binds to all interfaces: probes and Services reach the pod's IP. */}}
{{- if eq $c "processor" }}
{{- $memory := include "mm.processorMemory" $root | fromJson }}
{{- if gt (int $own.replicas) (int $v.topics.partitions) }}
{{- fail (printf "processor.replicas (%d) exceeds topics.partitions (%d): instances beyond the partition count get no work" (int $own.replicas) (int $v.topics.partitions)) }}
{{- end }}
{{- $_ := set $env "MM_TOPIC_PARTITIONS" (toString (int $v.topics.partitions)) }}
{{- $_ := set $env "MM_TOPIC_REPLICATION_FACTOR" (toString (int $v.topics.replicationFactor)) }}
{{- $_ := set $env "MM_PROCESSOR_GROUP_ID" $own.groupId }}
{{- $_ := set $env "MM_PROCESSOR_HTTP_HOST" "0.0.0.0" }}
{{- $_ := set $env "MM_PROCESSOR_HTTP_PORT" (toString (int $own.opsPort)) }}
{{- $_ := set $env "MM_PROCESSOR_MEMORY_MB" (toString (int $memory.budgetMiB)) }}
{{- else if eq $c "ingest" }}
{{- $_ := set $env "MM_INGEST_HTTP_HOST" "0.0.0.0" }}
{{- $_ := set $env "MM_INGEST_HTTP_PORT" (toString (int $own.httpPort)) }}
{{- $_ := set $env "MM_INGEST_OPS_PORT" (toString (int $own.opsPort)) }}
{{- if $own.configSecret.name }}
{{- $_ := set $env "MM_INGEST_CONFIG_FILE" (printf "%s/%s" (include "mm.ingestConfigDir" .) $own.configSecret.key) }}
{{- end }}
{{- if $own.identityConfigMap.name }}
{{- $_ := set $env "MM_INGEST_IDENTITY_FILE" (printf "%s/%s" (include "mm.ingestIdentityDir" .) $own.identityConfigMap.key) }}
{{- end }}
{{- else if eq $c "dashboard" }}
{{- $_ := set $env "MM_DASHBOARD_HTTP_HOST" "0.0.0.0" }}
{{- $_ := set $env "MM_DASHBOARD_HTTP_PORT" (toString (int $own.httpPort)) }}
{{- $_ := set $env "MM_DASHBOARD_TARGET_WRITES" (toString $own.targetWrites) }}
{{- if and $own.targetWrites (not $own.adminTokensSecret.name) }}
{{- fail "dashboard.targetWrites needs dashboard.adminTokensSecret.name: pods listen beyond loopback, so writes must prove who makes them" }}
{{- end }}
{{- else if eq $c "alerter" }}
{{- $_ := set $env "MM_ALERTER_HTTP_HOST" "0.0.0.0" }}
{{- $_ := set $env "MM_ALERTER_HTTP_PORT" (toString (int $own.httpPort)) }}
{{- $_ := set $env "MM_ALERTER_ALERTMANAGER_URL" $own.alertmanagerUrl }}
{{- $_ := set $env "MM_ALERTER_ADMIN_WRITES" (toString $own.adminWrites) }}
{{- if and $own.adminWrites (not $own.adminTokensSecret.name) }}
{{- fail "alerter.adminWrites needs alerter.adminTokensSecret.name: pods listen beyond loopback, so writes must prove who makes them" }}
{{- end }}
{{- $dashboardUrl := $own.dashboardUrl }}
{{- if and (not $dashboardUrl) $v.ingress.enabled $v.ingress.dashboardHost }}
{{- $dashboardUrl = printf "%s://%s" (ternary "https" "http" (not (empty $v.ingress.tls))) $v.ingress.dashboardHost }}
{{- end }}
{{- if $dashboardUrl }}
{{- $_ := set $env "MM_ALERTER_DASHBOARD_URL" $dashboardUrl }}
{{- end }}
{{- end }}

{{- /* Further settings of the user's (values.schema.json admits MM_* names only): ones the chart does not set itself. */}}
{{- range $name, $value := $own.extraEnv }}
{{- if hasKey $env $name }}
{{- fail (printf "%s.extraEnv.%s: the chart sets this variable from its values; set that value instead" $c $name) }}
{{- end }}
{{- if regexMatch "(PASSWORD|SECRET|TOKENS?|_KEY|WEBHOOK_URL)$" $name }}
{{- fail (printf "%s.extraEnv.%s looks secret: give it through %s.secretEnv (a Secret reference), never as a value" $c $name $c) }}
{{- end }}
{{- $_ := set $env $name (toString $value) }}
{{- end }}
{{- toJson $env }}
{{- end }}

{{- define "mm.secretEnv" -}}
{{- $v := .root.Values }}
{{- $c := .component }}
{{- $own := index $v $c }}
{{- $refs := list }}
{{- if ne $c "dashboard" }}
{{- if ne $v.kafka.sasl.mechanism "none" }}
{{- $refs = append $refs (dict "name" "MM_KAFKA_SASL_PASSWORD" "ref" (dict "name" (required "kafka.sasl.passwordSecret.name is required with a SASL mechanism" $v.kafka.sasl.passwordSecret.name) "key" $v.kafka.sasl.passwordSecret.key)) }}
{{- end }}
{{- if $v.schemaRegistry.username }}
{{- $refs = append $refs (dict "name" "MM_SCHEMA_REGISTRY_PASSWORD" "ref" (dict "name" (required "schemaRegistry.passwordSecret.name is required with schemaRegistry.username" $v.schemaRegistry.passwordSecret.name) "key" $v.schemaRegistry.passwordSecret.key)) }}
{{- end }}
{{- end }}
{{- if $v.redis.urlSecret.name }}
{{- $refs = append $refs (dict "name" "MM_REDIS_URL" "ref" $v.redis.urlSecret) }}
{{- end }}
{{- if and (eq $c "ingest") $own.personIdKeySecret.name }}
{{- $refs = append $refs (dict "name" "MM_INGEST_PERSON_ID_KEY" "ref" $own.personIdKeySecret) }}
{{- end }}
{{- if and (has $c (list "dashboard" "alerter")) $own.adminTokensSecret.name }}
{{- $refs = append $refs (dict "name" (printf "MM_%s_ADMIN_TOKENS" (upper $c)) "ref" $own.adminTokensSecret) }}
{{- end }}
{{- range $name, $ref := $own.secretEnv }}
{{- $refs = append $refs (dict "name" $name "ref" $ref) }}
{{- end }}
{{- $plain := include "mm.env" . | fromJson }}
{{- range $refs }}
{{- if hasKey $plain .name }}
{{- fail (printf "%s: %s is given both as a value and as a Secret reference" $c .name) }}
{{- end }}
{{ include "mm.secretRef" . }}
{{- end }}
{{- end }}

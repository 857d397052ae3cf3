package io.toolace.stream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.toolace.stream.Pipeline;
import io.toolace.stream.cli.Main;
import io.toolace.stream.cli.RunCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * helm/toolace-stream, linted and rendered by helm itself (helm-java), its manifests read back as YAML.
 * helm-java's template leaves hooks out (manusa/helm-java#416), so the manifests are rendered from a copy of
 * the chart whose hook annotation is renamed {@value #RENAMED_HOOK}: the hooks then render as any resource,
 * each with its hook annotation under that name.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/toolace-stream");
    private static final String HOOK = "helm.sh/hook";
    private static final String RENAMED_HOOK = "rendered.test/hook";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> STATEFUL = List.of("evolution", "pool", "planner", "dialog", "verify");

    @TempDir
    static Path chartCopy;

    @TempDir
    Path dir;

    @BeforeAll
    static void copyTheChartWithItsHooksRenamed() throws IOException {
        try (Stream<Path> files = Files.walk(CHART)) {
            for (final Path file : files.toList()) {
                final Path target = chartCopy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.writeString(target, Files.readString(file).replace(HOOK, RENAMED_HOOK));
                }
            }
        }
    }

    @Test
    void theChartLintsClean() {
        final LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void eachStageIsItsOwnWorkloadAStatefulSetWithAVolumeWhereItKeepsLargeState() throws IOException {
        final List<JsonNode> manifests = render(null);

        final Map<String, JsonNode> workloads = workloads(manifests);
        assertThat(workloads.keySet()).containsExactlyInAnyOrderElementsOf(Pipeline.STAGES);
        for (final String stage : Pipeline.STAGES) {
            final JsonNode workload = workloads.get(stage);
            final JsonNode container = workload.at("/spec/template/spec/containers/0");
            assertThat(args(container)).contains("run", "--stages=" + stage, "--no-export");
            if (STATEFUL.contains(stage)) {
                assertThat(workload.get("kind").asText()).as(stage).isEqualTo("StatefulSet");
                assertThat(workload.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("data");
                assertThat(workload.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText())
                        .isNotEmpty();
                assertThat(workload.at("/spec/serviceName").asText()).isEqualTo("toolace-" + stage);
                assertThat(find(manifests, "Service", "toolace-" + stage).at("/spec/clusterIP").asText())
                        .isEqualTo("None");
            } else {
                assertThat(workload.get("kind").asText()).as(stage).isEqualTo("Deployment");
                assertThat(volume(workload, "data").has("emptyDir")).isTrue();
            }
            assertThat(mount(container, "data").get("mountPath").asText()).isEqualTo("/data");
        }
        assertThat(workloads.get("verify").at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void everyRunOptionTheChartPassesIsAnOptionOfRun() throws IOException {
        final Path values = values("""
                kafka: {clientProperties: {security.protocol: SSL}}
                llm: {backend: openai, config: {endpoints: {a: {base-url: "http://llm:8000/v1", model: m}}}}
                extraArgs: ["--judge-votes=3"]
                """);
        final CommandLine run = new CommandLine(new RunCommand());

        for (final JsonNode workload : workloads(render(values)).values()) {
            for (final String arg : args(workload.at("/spec/template/spec/containers/0"))) {
                if (arg.startsWith("--")) {
                    assertThat(run.getCommandSpec().findOption(arg.split("=", 2)[0])).as(arg).isNotNull();
                }
            }
        }
    }

    @Test
    void probesHitTheHealthEndpointsOnTheHttpPortAndPodsAskToBeScraped() throws IOException {
        for (final JsonNode workload : workloads(render(null)).values()) {
            final JsonNode pod = workload.at("/spec/template");
            final JsonNode container = pod.at("/spec/containers/0");
            assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
            assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(OpsServer.DEFAULT_PORT);
            assertThat(env(container).get("TOOLACE_HTTP_PORT")).isEqualTo(Integer.toString(OpsServer.DEFAULT_PORT));
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
            assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
            assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
            assertThat(pod.at("/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
            assertThat(pod.at("/metadata/annotations/prometheus.io~1port").asText())
                    .isEqualTo(Integer.toString(OpsServer.DEFAULT_PORT));
            assertThat(pod.at("/metadata/annotations/prometheus.io~1path").asText()).isEqualTo("/metrics");
            assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        }
    }

    @Test
    void aHookJobCreatesTheTopicsBeforeInstallAndUpgrade() throws IOException {
        final List<JsonNode> manifests = render(values("""
                kafka: {bootstrapServers: "kafka:9093", clientProperties: {security.protocol: SSL}}
                topics: {partitions: 24, replication: 3}
                """));

        final JsonNode job = find(manifests, "Job", "toolace-topics");
        assertThat(annotation(job, HOOK).split(","))
                .containsExactlyInAnyOrder("pre-install", "pre-upgrade");
        final JsonNode container = job.at("/spec/template/spec/containers/0");
        final List<String> args = args(container);
        assertThat(args.get(0)).isEqualTo("topics");
        assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("topics");
        assertThat(env(container)).containsEntry("TOOLACE_BOOTSTRAP_SERVERS", "kafka:9093")
                .containsEntry("TOOLACE_PARTITIONS", "24").containsEntry("TOOLACE_REPLICATION", "3");
        // its client config is a hook of its own: the release's Secret does not exist yet before install
        assertThat(args).contains("--client-config=/etc/toolace/client.properties");
        final String secretName = volume(job, "client-config").at("/secret/secretName").asText();
        final JsonNode secret = find(manifests, "Secret", secretName);
        assertThat(annotation(secret, HOOK)).isEqualTo(annotation(job, HOOK));
        assertThat(Integer.parseInt(annotation(secret, HOOK + "-weight")))
                .isLessThan(Integer.parseInt(annotation(job, HOOK + "-weight")));
        assertThat(annotation(secret, HOOK + "-delete-policy")).contains("hook-succeeded");
    }

    @Test
    void clientSettingsReachEveryProcessAsAMountedSecretFileNeverOnACommandLine() throws IOException {
        final String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"toolace\""
                + " password=\"s3cret-pw\";";
        final String pem = "-----BEGIN CERTIFICATE-----\nMIIB\\x+/=\n-----END CERTIFICATE-----\n";
        final List<JsonNode> manifests = render(values("kafka:\n  clientProperties:\n"
                + "    security.protocol: SASL_SSL\n    sasl.mechanism: SCRAM-SHA-512\n"
                + "    sasl.jaas.config: '" + jaas + "'\n"
                // double-quoted YAML: \n a line break, \\ a backslash
                + "    ssl.truststore.certificates: \"-----BEGIN CERTIFICATE-----\\nMIIB\\\\x+/=\\n"
                + "-----END CERTIFICATE-----\\n\"\n"));

        final JsonNode secret = find(manifests, "Secret", "toolace-client-config");
        final String properties = secret.at("/stringData/client.properties").asText();
        final java.util.Properties loaded = new java.util.Properties();
        loaded.load(new java.io.StringReader(properties));
        assertThat(loaded).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", jaas)
                .containsEntry("ssl.truststore.certificates", pem).hasSize(4);
        final List<JsonNode> pods = new ArrayList<>(workloads(manifests).values());
        pods.add(find(manifests, "Job", "toolace-topics"));
        for (final JsonNode pod : pods) {
            final JsonNode container = pod.at("/spec/template/spec/containers/0");
            final String commandLine = String.join(" ", args(container)) + container.path("command");
            assertThat(commandLine).doesNotContain("s3cret-pw", "sasl", "security.protocol", "-X");
            assertThat(container.path("env").toString()).doesNotContain("s3cret-pw");
            assertThat(args(container)).contains("--client-config=/etc/toolace/client.properties");
            assertThat(mount(container, "client-config").get("mountPath").asText())
                    .isEqualTo("/etc/toolace/client.properties");
            assertThat(volume(pod, "client-config").at("/secret/secretName").asText()).startsWith(
                    "toolace-client-config");
        }
    }

    @Test
    void theApiKeyComesFromASecretAndTheLlmEndpointsFromAConfigMap() throws IOException {
        final List<JsonNode> manifests = render(values("""
                llm:
                  backend: openai
                  apiKey: {existingSecret: team-llm, secretKey: openai}
                  config:
                    endpoints:
                      strong: {base-url: "http://gpu-1:8000/v1", model: Qwen2.5-72B-Instruct, api-key-env: OPENAI_API_KEY}
                    routes: {default: [strong]}
                """));

        assertThat(manifests.stream().filter(m -> "Secret".equals(m.path("kind").asText()))).isEmpty();
        final JsonNode config = YAML.readTree(find(manifests, "ConfigMap", "toolace-llm-config")
                .at("/data/llm.yaml").asText());
        assertThat(config.at("/endpoints/strong/model").asText()).isEqualTo("Qwen2.5-72B-Instruct");
        assertThat(config.at("/routes/default/0").asText()).isEqualTo("strong");
        final JsonNode gateway = workloads(manifests).get("gateway").at("/spec/template/spec/containers/0");
        final JsonNode key = envVar(gateway, "OPENAI_API_KEY");
        assertThat(key.has("value")).isFalse();
        assertThat(key.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("team-llm");
        assertThat(key.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("openai");
        assertThat(env(gateway)).containsEntry("TOOLACE_LLM_BACKEND", "openai");
        assertThat(args(gateway)).contains("--llm-config=/etc/toolace/llm.yaml");
        assertThat(mount(gateway, "llm-config").get("mountPath").asText()).isEqualTo("/etc/toolace/llm.yaml");

        // a key given as a value becomes the chart's own Secret, read the same way
        final List<JsonNode> withValue = render(values("llm: {backend: openai, baseUrl: 'http://llm/v1', model: m,"
                + " apiKey: {value: sk-test}}"));
        final JsonNode secret = find(withValue, "Secret", "toolace-llm-api-key");
        assertThat(new String(Base64.getDecoder().decode(secret.at("/data/api-key").asText()), StandardCharsets.UTF_8))
                .isEqualTo("sk-test");
        assertThat(envVar(workloads(withValue).get("gateway").at("/spec/template/spec/containers/0"), "OPENAI_API_KEY")
                .at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("toolace-llm-api-key");
    }

    @Test
    void valuesOverrideReplicasResourcesAndTurnTheServiceMonitorOn() throws IOException {
        assertThat(render(null).stream().map(m -> m.path("kind").asText())).doesNotContain("ServiceMonitor");

        final List<JsonNode> manifests = render(values("""
                stages:
                  verify: {replicas: 5, resources: {limits: {memory: 4Gi}}}
                  speciation: {enabled: false}
                metrics: {serviceMonitor: {enabled: true, interval: 15s, labels: {release: prom}}}
                """));

        final Map<String, JsonNode> workloads = workloads(manifests);
        assertThat(workloads).doesNotContainKey("speciation");
        assertThat(workloads.get("verify").at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(workloads.get("verify").at("/spec/template/spec/containers/0/resources/limits/memory").asText())
                .isEqualTo("4Gi");
        assertThat(workloads.get("dialog").at("/spec/template/spec/containers/0/resources/limits/memory").asText())
                .isEqualTo("1Gi");
        final JsonNode monitor = find(manifests, "ServiceMonitor", "toolace");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prom");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
        assertThat(monitor.at("/spec/endpoints/0/interval").asText()).isEqualTo("15s");
        // it selects the metrics Service, whose port it names, and that Service selects every stage's pods
        final JsonNode service = find(manifests, "Service", "toolace-metrics");
        monitor.at("/spec/selector/matchLabels").fields().forEachRemaining(label -> assertThat(
                service.path("metadata").path("labels").path(label.getKey()).asText()).isEqualTo(label.getValue().asText()));
        assertThat(service.at("/spec/ports/0/name").asText()).isEqualTo(monitor.at("/spec/endpoints/0/port").asText());
        for (final JsonNode workload : workloads.values()) {
            final JsonNode podLabels = workload.at("/spec/template/metadata/labels");
            service.at("/spec/selector").fields().forEachRemaining(label ->
                    assertThat(podLabels.path(label.getKey()).asText()).isEqualTo(label.getValue().asText()));
        }
    }

    private Path values(final String yaml) throws IOException {
        final Path file = Files.createTempFile(dir, "values", ".yaml");
        return Files.writeString(file, yaml);
    }

    /** {@code helm template toolace CHART [-f values]}, each manifest parsed. */
    private static List<JsonNode> render(final Path values) throws IOException {
        TemplateCommand template = new Helm(chartCopy).template().withName("toolace");
        if (values != null) {
            template = template.withValuesFile(values);
        }
        final List<JsonNode> manifests = new ArrayList<>();
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(template.call())) {
            while (documents.hasNext()) {
                final JsonNode manifest = documents.next();
                if (manifest != null && !manifest.isEmpty()) {
                    manifests.add(manifest);
                }
            }
        }
        return manifests;
    }

    /** The Deployments and StatefulSets by their stage. */
    private static Map<String, JsonNode> workloads(final List<JsonNode> manifests) {
        return manifests.stream().filter(m -> List.of("Deployment", "StatefulSet").contains(m.path("kind").asText()))
                .collect(Collectors.toMap(m -> m.at("/metadata/labels/app.kubernetes.io~1component").asText(),
                        m -> m));
    }

    private static JsonNode find(final List<JsonNode> manifests, final String kind, final String name) {
        return manifests.stream()
                .filter(m -> kind.equals(m.path("kind").asText()) && name.equals(m.at("/metadata/name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + manifests));
    }

    /** An annotation of a manifest; a hook's under its renamed key. */
    private static String annotation(final JsonNode manifest, final String key) {
        return manifest.path("metadata").path("annotations").path(key.replace(HOOK, RENAMED_HOOK)).asText();
    }

    private static List<String> args(final JsonNode container) {
        final List<String> args = new ArrayList<>();
        container.path("args").forEach(arg -> args.add(arg.asText()));
        return args;
    }

    private static Map<String, String> env(final JsonNode container) {
        final Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(v -> env.put(v.get("name").asText(), v.path("value").asText()));
        return env;
    }

    private static JsonNode envVar(final JsonNode container, final String name) {
        return named(container.path("env"), name);
    }

    private static JsonNode mount(final JsonNode container, final String name) {
        return named(container.path("volumeMounts"), name);
    }

    private static JsonNode volume(final JsonNode workload, final String name) {
        return named(workload.at("/spec/template/spec/volumes"), name);
    }

    private static JsonNode named(final JsonNode list, final String name) {
        for (final JsonNode item : list) {
            if (name.equals(item.path("name").asText())) {
                return item;
            }
        }
        throw new AssertionError("no '" + name + "' in " + list);
    }
}

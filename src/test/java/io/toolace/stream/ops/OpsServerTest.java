package io.toolace.stream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.PipelineConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops endpoint of a running pipeline, scraped and probed over real HTTP on loopback. */
class OpsServerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STAGES = List.of("speciation", "evolution", "pool", "planner", "gateway");

    @TempDir
    Path dataDir;

    @Test
    void aRunningPipelineIsScrapedAndProbedAndAClosedStageFailsBothProbes() throws Exception {
        // Given the endpoint on a free port, up before the pipeline as in run
        try (OpsServer ops = OpsServer.start(0)) {
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
            final HttpResponse<String> early = get(ops, "/health/ready");
            assertThat(early.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(early.body()).get("status").asText()).isEqualTo("STARTING");

            final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(1).maxGeneration(1)
                    .planLimit(20).build();
            // the stages up to the planner: no dialog ends, so every planned one stays in flight
            try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(STAGES), Duration.ofMinutes(2))) {
                ops.watch(pipeline);

                // When the planner has planned its dialogs
                final String metrics = awaitMetric(ops, "toolace_planner_planned_total", 20, Duration.ofMinutes(2));

                // Then /metrics holds the pipeline's meters with their counts, the clients' and the JVM's
                assertThat(sum(metrics, "toolace_llm_calls_total", "")).isPositive();
                assertThat(sum(metrics, "toolace_llm_latency_seconds_count", "")).isPositive();
                assertThat(sum(metrics, "toolace_pool_admitted_total", "")).isPositive();
                // (a planner task closed and revived, by a rebalance or a corrupted task, holds its share back until it
                // has read its store again: one run here scraped 0)
                assertThat(sum(awaitMetric(ops, "toolace_planner_inflight", 20, Duration.ofSeconds(30)),
                        "toolace_planner_inflight", "")).isEqualTo(20);
                assertThat(metrics).contains("toolace_llm_cost_total{",
                        "toolace_llm_tokens_total{", "toolace_store_entries{");
                for (final String stage : STAGES.subList(0, 4)) {
                    assertThat(sum(metrics, "kafka_stream_thread_process_total", "stage=\"" + stage + "\""))
                            .as("records processed by %s", stage).isPositive();
                }
                assertThat(sum(metrics, "jvm_memory_used_bytes", "")).isPositive();

                // and every probe answers 200 with each stage's state
                final HttpResponse<String> health = get(ops, "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
                final JsonNode body = JSON.readTree(health.body());
                assertThat(body.get("status").asText()).isEqualTo("UP");
                assertThat(body.get("gateway").asText()).isEqualTo("RUNNING");
                for (final String stage : STAGES.subList(0, 4)) {
                    assertThat(body.get("stages").get(stage).asText()).isIn("RUNNING", "REBALANCING");
                }
                assertThat(get(ops, "/health/ready").statusCode()).isEqualTo(200);
                assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
                assertThat(get(ops, "/health/elsewhere").statusCode()).isEqualTo(404);

                // When one stage stops
                pipeline.runners().get("planner").close();

                // Then the process is neither ready nor alive, and says which stage
                final HttpResponse<String> down = get(ops, "/health");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(down.body()).get("stages").get("planner").asText()).isEqualTo("NOT_RUNNING");
                assertThat(JSON.readTree(down.body()).get("status").asText()).isEqualTo("DOWN");
                assertThat(get(ops, "/health/ready").statusCode()).isEqualTo(503);
                assertThat(get(ops, "/health/live").statusCode()).isEqualTo(503);
            }
        }
    }

    @Test
    void theImagesProbeExitsZeroOnlyOnA200() throws Exception {
        final URI live;
        try (OpsServer ops = OpsServer.start(0)) {
            live = URI.create("http://127.0.0.1:" + ops.port() + "/health/live");
            assertThat(Probe.check(live)).isZero();
            assertThat(Probe.check(URI.create("http://127.0.0.1:" + ops.port() + "/health/ready"))).isEqualTo(1);
        }
        assertThat(Probe.check(live)).as("nothing listening").isEqualTo(1);
    }

    @Test
    void aFailedStageOrGatewayIsNotLiveWhileARebalanceIsReadyAndAStartingStageIsLive() {
        assertThat(new Health(Map.of("verify", State.ERROR), null, false).live()).isFalse();
        assertThat(new Health(Map.of("verify", State.PENDING_ERROR), null, false).ready()).isFalse();
        assertThat(new Health(Map.of("verify", State.RUNNING), "FAILED", false).live()).isFalse();
        assertThat(new Health(Map.of("verify", State.RUNNING), "FAILED", false).ready()).isFalse();
        assertThat(new Health(Map.of("verify", State.REBALANCING), "RUNNING", false).ready()).isTrue();
        assertThat(new Health(Map.of("verify", State.CREATED), null, false).live()).isTrue();
        assertThat(new Health(Map.of("verify", State.CREATED), null, false).ready()).isFalse();
    }

    private static HttpResponse<String> get(final OpsServer ops, final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Scrapes until {@code name} sums to {@code atLeast}; returns that scrape. */
    private static String awaitMetric(final OpsServer ops, final String name, final double atLeast,
            final Duration timeout)
            throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final HttpResponse<String> scrape = get(ops, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            if (sum(scrape.body(), name, "") >= atLeast || System.nanoTime() > deadline) {
                return scrape.body();
            }
            Thread.sleep(500);
        }
    }

    /** Sum of a metric's samples (Prometheus text format) whose labels contain {@code labels}. */
    private static double sum(final String scrape, final String name, final String labels) {
        final Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
        double total = 0;
        while (sample.find()) {
            if (sample.group(1) == null ? labels.isEmpty() : sample.group(1).contains(labels)) {
                total += Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}

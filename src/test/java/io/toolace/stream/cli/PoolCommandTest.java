package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.TopicAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pool} against a pool the TSS stages are growing on the in-JVM broker. */
class PoolCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENOUGH = 3_000;

    @TempDir
    Path dir;

    @Test
    void poolPrintsFiguresThatAgreeWithTheTopic() throws Exception {
        final PipelineConfig config = PipelineConfig.builder(dir.resolve("data")).partitions(2).maxGeneration(1).build();
        try (Pipeline pipeline = Pipeline.start(config,
                new LinkedHashSet<>(List.of("speciation", "evolution", "pool", "gateway")), Duration.ofMinutes(2))) {
            // Given a pool of some thousands of APIs grown from the built-in corpus
            final long before = awaitPool(pipeline, ENOUGH, Duration.ofSeconds(90));

            // When pool runs against the same broker and registry
            final Path json = dir.resolve("report/pool.json");
            final StringWriter out = new StringWriter();
            final CommandLine command = new CommandLine(new PoolCommand());
            command.setOut(new PrintWriter(out, true));
            final int exit = command.execute("--bootstrap-servers", pipeline.bootstrapServers(),
                    "--registry-url", pipeline.registryUrl(), "--data-dir", dir.resolve("cli").toString(),
                    "--partitions", "2", "--sample", "3", "--top", "5", "--json", json.toString());
            final long after = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(ConsumerRecord::key).distinct().count();

            // Then it prints the figures, and they agree with each other and with the topic
            assertThat(exit).isZero();
            final String text = out.toString();
            System.out.print(text);
            final JsonNode report = JSON.readTree(json.toFile());
            final long size = report.get("size").asLong();
            assertThat(size).isBetween(before, after);
            assertThat(text).startsWith(pipeline.topics().pool.name() + ": " + String.format("%,d APIs", size))
                    .contains("APIs per domain (top 5 of ").contains("sample of 3 (seed 42):")
                    .contains("figures written to " + json);
            assertThat(report.get("unreadable").asLong()).isZero();
            final JsonNode coverage = report.get("coverage");
            assertThat(coverage.get("domains").asInt()).isGreaterThanOrEqualTo(30);
            assertThat(coverage.at("/builtin/domainsTotal").asInt()).isEqualTo(33);
            assertThat(coverage.at("/builtin/subDomainsTotal").asInt()).isEqualTo(401);
            assertThat(coverage.at("/builtin/domains").asInt()).isEqualTo(coverage.get("domains").asInt());
            assertThat(coverage.at("/builtin/subDomains").asInt()).isEqualTo(coverage.get("subDomains").asInt())
                    .isGreaterThan(300);
            assertThat(sum(report.at("/domains/all"))).isEqualTo(size);
            assertThat(sum(report.at("/domains/top")) + report.at("/domains/tail/apis").asLong()).isEqualTo(size);
            assertThat(sum(report.get("generations"))).isEqualTo(size);
            assertThat(report.get("generations").fieldNames()).toIterable().isSubsetOf("0", "1");
            assertThat(report.at("/origins/SYNTHESIZED").asLong()).isEqualTo(size);
            assertThat(sum(report.at("/parametersPerApi/distribution"))).isEqualTo(size);
            assertThat(report.get("nestedApis").asLong() + report.get("flatApis").asLong()).isEqualTo(size);
            assertThat(report.get("nestedApis").asLong()).isPositive();
            assertThat(report.get("constrainedApis").asLong()).isPositive().isLessThanOrEqualTo(size);
            assertThat(report.at("/diversity/MUTATE_TYPES").asLong()).isPositive();
            assertThat(report.at("/sample/apis")).hasSize(3);
            for (final JsonNode api : report.at("/sample/apis")) {
                assertThat(text).contains(api.get("signature").asText());
            }
            assertThat(pipeline.failure()).isNull();
        }
    }

    private static long sum(final JsonNode counts) {
        long total = 0;
        for (final Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            total += it.next().getValue().asLong();
        }
        return total;
    }

    /** Committed records in api.pool once there are at least {@code count}; fails on timeout. */
    private static long awaitPool(final Pipeline pipeline, final long count, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (TopicAdmin admin = TopicAdmin.create(pipeline.clientConfig())) {
            long seen = 0;
            while (System.nanoTime() < deadline) {
                assertThat(pipeline.failure()).isNull();
                seen = admin.countCommitted(pipeline.topics().pool.name(), Duration.ofSeconds(10));
                if (seen >= count) {
                    return seen;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("api.pool held only " + seen + " of " + count + " APIs after " + timeout);
        }
    }
}

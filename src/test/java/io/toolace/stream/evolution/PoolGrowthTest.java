package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.CommittedKeys;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.verify.ApiRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's pool, grown for real: the TSS stages and the procedural gateway on an in-JVM broker until
 * {@code api.pool} holds 26,507 APIs, then the pool is read back and checked as a whole. How long it
 * takes is measured by {@code bench pool-growth}, not here.
 */
class PoolGrowthTest {

    private static final int PAPER_POOL = 26_507;

    @TempDir
    Path dataDir;

    @Test
    void theProceduralPipelineGrowsThePapersPoolOfUniqueCheckedApisAcrossTheWholeTree() throws Exception {
        // Given the TSS stages on the built-in seed corpus
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(4).build();
        try (Pipeline pipeline = Pipeline.start(config,
                new LinkedHashSet<>(List.of("speciation", "evolution", "pool", "gateway")), Duration.ofMinutes(2));
                CommittedKeys size = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().pool.name()).start()) {
            // When the pool has grown to the paper's size
            final long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
            while (size.size() < PAPER_POOL && System.nanoTime() < deadline && pipeline.failure() == null) {
                Thread.sleep(200);
            }
            assertThat(pipeline.failure()).isNull();
            final List<ApiDefinition> pool = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool)
                    .stream().map(ConsumerRecord::value).toList();

            // Then it holds that many distinct APIs, no two with one normalised signature
            final Map<String, ApiDefinition> byId = pool.stream()
                    .collect(Collectors.toMap(ApiDefinition::getId, Function.identity(), (a, b) -> a));
            assertThat(byId).hasSizeGreaterThanOrEqualTo(PAPER_POOL).hasSize(pool.size());
            final Set<String> signatures = pool.stream()
                    .map(api -> ApiSignature.normalise(api.getName(), api.getParameters())).collect(Collectors.toSet());
            assertThat(signatures).hasSize(pool.size());

            // spanning the paper's 30 domains and 390 sub-domains, with nested types and constraints
            final PoolReport report = new PoolReport(10, 0, 1);
            pool.forEach(report::add);
            assertThat(report.domains()).hasSizeGreaterThanOrEqualTo(30);
            assertThat(report.subDomainCount()).isGreaterThanOrEqualTo(390);
            assertThat(report.nestedApis()).isBetween(1L, report.size() - 1);
            assertThat(report.constrainedApis()).isPositive();

            // and every API passes the verifier's API-definition rules
            assertThat(pool).allSatisfy(api -> assertThat(ApiRules.check(ToolSamples.toolSpec(api)))
                    .as("API rules on %s", api.getName()).isEmpty());

            // while every candidate turned away says why
            assertThat(TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().apiRejected))
                    .allSatisfy(r -> assertThat(r.value().getRejection()).isNotBlank());
        }
    }
}

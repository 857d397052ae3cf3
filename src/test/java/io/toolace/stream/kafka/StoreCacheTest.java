package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's cached store under exactly-once on a real broker, with the settings every stage runs with: a key
 * written once per input reaches the changelog about once per commit, and the last write is what it holds.
 * The planner's counters, a dialog's step and a sample waiting for its judges are such keys.
 */
class StoreCacheTest {

    private static final String INPUT = "counted";
    private static final String STORE = "counts";
    private static final int INPUTS = 500;

    @TempDir
    Path dir;

    @Test
    void aKeyWrittenOncePerInputReachesTheChangelogOncePerCommit() throws Exception {
        // Given a stage whose commits are seconds apart, so that a burst of inputs falls within one or two
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).commitInterval(Duration.ofSeconds(3))
                .build();
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1)), Duration.ofSeconds(30));
            try (OneStage counter = OneStage.start(broker, config, dir, "counter",
                    () -> Counting.cached(INPUT, STORE))) {
                // When 500 inputs arrive at once
                OneStage.send(broker, INPUT, IntStream.range(0, INPUTS).mapToObj(i -> "v" + i).toList());

                // Then the changelog's committed records end at the count, and there are a handful of them, not 500
                final String changelog = config.topicPrefix() + "counter-" + STORE + "-changelog";
                final List<ConsumerRecord<String, byte[]>> writes = OneStage.await(broker, changelog,
                        r -> Counting.last(r) == INPUTS);
                assertThat(counter.failure()).isNull();
                assertThat(writes).as("records in %s", changelog).isNotEmpty();
                assertThat(Counting.last(writes)).isEqualTo(INPUTS);
                assertThat(writes.size()).as("records in %s", changelog).isLessThan(INPUTS / 10);
            }
        }
    }
}

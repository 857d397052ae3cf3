package io.toolace.stream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage restarted on a store that RocksDB cannot open, as a process SIGKILLed while Kafka Streams wiped the
 * store leaves it (seen in the crash harness: a write-ahead log file without the CURRENT file that names the
 * database), starts, and holds the committed state again: Kafka Streams fails its own start on such a store.
 */
class UnopenedStoreTest {

    private static final String INPUT = "counted";
    private static final String OUTPUT = "counts";
    private static final String STORE = "count";

    @TempDir
    Path dir;

    @Test
    void aStoreLeftHalfWipedByACrashIsRestoredFromItsChangelog() throws Exception {
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).build();
        final Supplier<Topology> topology = () -> Counting.writingTo(INPUT, STORE, OUTPUT);
        try (Pipeline broker = Pipeline.start(config, Set.of(), Duration.ofMinutes(1));
                TopicAdmin admin = TopicAdmin.create(broker.clientConfig())) {
            admin.ensure(List.of(TopicSpec.of(INPUT, 1, (short) 1), TopicSpec.of(OUTPUT, 1, (short) 1)),
                    Duration.ofSeconds(30));
            // Given a stage that counted 100 inputs and stopped
            try (OneStage counter = OneStage.start(broker, config, dir, "counter", topology)) {
                OneStage.send(broker, INPUT, inputs(0, 100));
                assertThat(Counting.last(OneStage.await(broker, OUTPUT, r -> Counting.last(r) == 100)))
                        .isEqualTo(100);
            }
            // and its store left as a kill in the middle of a wipe leaves it
            final Path store = StageRunner.stateDir(dir).resolve(config.topicPrefix() + "counter")
                    .resolve("0_0").resolve("rocksdb").resolve(STORE);
            halfWipe(store);

            // When the stage starts again on it and counts 50 more inputs
            try (OneStage counter = OneStage.start(broker, config, dir, "counter", topology)) {
                OneStage.send(broker, INPUT, inputs(100, 150));

                // Then it runs, and counts on from the committed 100, which it restored from the changelog
                assertThat(Counting.last(OneStage.await(broker, OUTPUT, r -> Counting.last(r) == 150)))
                        .isEqualTo(150);
                assertThat(counter.failure()).isNull();
            }
        }
    }

    /** Deletes the file that names the database and keeps a write-ahead log, which RocksDB then refuses. */
    private static void halfWipe(final Path store) throws IOException {
        Files.delete(store.resolve("CURRENT"));
        try (Stream<Path> files = Files.list(store)) {
            if (files.noneMatch(file -> file.getFileName().toString().endsWith(".log"))) {
                Files.createFile(store.resolve("000017.log"));
            }
        }
    }

    private static List<String> inputs(final int from, final int to) {
        return IntStream.range(from, to).mapToObj(i -> "v" + i).toList();
    }
}

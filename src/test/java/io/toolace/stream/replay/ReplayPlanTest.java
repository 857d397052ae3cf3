package io.toolace.stream.replay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.Pipeline;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.verify.RuleConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay that cannot work is refused with the reason before it touches Kafka (the broker here does not exist). */
class ReplayPlanTest {

    private static final KafkaClientConfig NO_BROKER = KafkaClientConfig.of("127.0.0.1:1");

    @TempDir
    Path dir;

    @Test
    void refusesATopicTheStageDoesNotRead() {
        assertRefused("verify", "samples.verified", "replayed", "stage verify does not read samples.verified;");
    }

    @Test
    void refusesAStageThatAlsoReadsATableTheReplayHasNoCopyOf() {
        assertRefused("evolution", "api.context", "replayed", "stage evolution also reads [api.pool]");
    }

    @Test
    void refusesANameThatIsNoTopicNamePart() {
        assertRefused("verify", "samples.candidates", "last week", "a replay name takes letters, digits");
    }

    private void assertRefused(final String stage, final String topic, final String name, final String reason) {
        try (StageFixtures fixtures = new StageFixtures(dir)) {
            final PipelineConfig config = PipelineConfig.builder(dir).topicPrefix("t.").build();
            assertThatThrownBy(() -> Replay.run(config, NO_BROKER, fixtures.topics, Pipeline.proceduralBackend(config),
                    new Replay.Plan(name, stage, topic, new ReplayPosition.Offset(0), null, RuleConfig.DEFAULTS),
                    Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
        }
    }
}

package io.toolace.stream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.CountingMeters;
import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.VerifiedRun;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.Sample;
import io.toolace.stream.verify.RuleConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay re-verifies a range of {@code samples.candidates} under stricter rules, every judge answered from the cache. */
class ReplayTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    @Test
    void reVerifiesUnderAStricterTurnLimitWithoutANewLlmCall() throws Exception {
        CountingMeters.ensure();
        final PipelineConfig config = VerifiedRun.config(dataDir);
        final List<Sample> candidates = VerifiedRun.candidates(40);
        assertThat(candidates.stream().map(Sample::getId)).doesNotHaveDuplicates();
        try (Pipeline pipeline = VerifiedRun.start(config, candidates, TIMEOUT)) {
            final Topics topics = pipeline.topics();
            final Map<String, Sample> before = decisions(pipeline, topics);
            final List<Integer> verifiedTurns = before.values().stream().filter(ReplayTest::passed)
                    .map(ReplayTest::turns).sorted().toList();
            // Given: a turn limit some verified samples exceed and others keep.
            final int maxTurns = verifiedTurns.get(verifiedTurns.size() / 2) - 1;
            assertThat(verifiedTurns).anyMatch(t -> t <= maxTurns).anyMatch(t -> t > maxTurns);
            final long productionVerified = TopicReader.readAll(pipeline.clientConfig(), topics.verified).size();
            final double missesBefore = Metrics.globalRegistry.counter("toolace.llm.cache", "result", "miss").count();

            // When: the whole range of samples.candidates is re-verified under it.
            final Replay.Report report = Replay.run(config, pipeline.clientConfig(), topics,
                    Pipeline.proceduralBackend(config), new Replay.Plan("stricter", "verify", "samples.candidates",
                            new ReplayPosition.Offset(0), null, RuleConfig.DEFAULTS.withMaxTurns(maxTurns)), TIMEOUT);

            // Then: every judge's answer came from the cache,
            assertThat(report.copied()).isEqualTo(candidates.size());
            assertThat(report.answered()).isPositive();
            assertThat(report.newCalls()).isZero();
            assertThat(report.cacheHits()).isEqualTo(report.answered());
            assertThat(Metrics.globalRegistry.counter("toolace.llm.cache", "result", "miss").count())
                    .isEqualTo(missesBefore);
            // the samples over the limit are rejected for it and the others decided as before,
            final Topics replay = topics.replay("stricter");
            final Map<String, Sample> after = decisions(pipeline, replay);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            int flipped = 0;
            for (final Sample sample : after.values()) {
                final Sample original = before.get(sample.getId());
                if (turns(sample) > maxTurns) {
                    assertThat(Samples.failedRules(sample)).as(sample.getId()).contains("DIALOG_TOO_LONG");
                    flipped += passed(original) ? 1 : 0;
                } else {
                    assertThat(Samples.failedRules(sample)).as(sample.getId())
                            .isEqualTo(Samples.failedRules(original));
                }
            }
            assertThat(flipped).isPositive();
            assertThat(report.outputs()).containsEntry(replay.verified.name(),
                    after.values().stream().filter(ReplayTest::passed).count());
            // and production's samples.verified is untouched.
            assertThat(TopicReader.readAll(pipeline.clientConfig(), topics.verified)).hasSize((int) productionVerified);
        }
    }

    /** The decided samples of a verified and a rejected topic, by id. */
    private static Map<String, Sample> decisions(final Pipeline pipeline, final Topics topics) {
        final List<ConsumerRecord<String, Sample>> records = new ArrayList<>(
                TopicReader.readAll(pipeline.clientConfig(), topics.verified));
        records.addAll(TopicReader.readAll(pipeline.clientConfig(), topics.rejected));
        final Map<String, Sample> byId = new HashMap<>();
        for (final ConsumerRecord<String, Sample> record : records) {
            assertThat(byId.put(record.key(), record.value())).as("decided once: " + record.key()).isNull();
        }
        return byId;
    }

    private static boolean passed(final Sample sample) {
        return Samples.failedRules(sample).isEmpty();
    }

    private static int turns(final Sample sample) {
        return ToolSamples.toToolSample(sample).messages().size();
    }
}

package io.toolace.stream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.TopicReader;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;

/**
 * What a finished run left, read back with {@code read_committed}: the dialogs' outcomes, the verified
 * samples and the JSONL export, and the duplicates and losses among them. Exactly once means every
 * planned dialog ended once, each verified one has one sample in {@code samples.verified}, and the
 * export holds exactly that topic's samples.
 *
 * @param planned dialogs the planner was limited to
 * @param outcomes outcome records
 * @param dialogsEnded distinct dialog ids among the outcomes
 * @param byStatus outcome records per status
 * @param verifiedRecords records of {@code samples.verified}
 * @param duplicateSampleKeys verified records beyond the first of their key
 * @param duplicateVerifiedDialogs verified records beyond the first of their dialog
 * @param verifiedWithoutSample dialogs with a VERIFIED outcome and no verified sample
 * @param samplesWithoutOutcome verified samples of a dialog without a VERIFIED outcome
 * @param exportLines lines of the export file
 * @param exportDuplicates export lines beyond the first of their text
 * @param exportMissing verified samples whose line is not in the export
 * @param exportExtra export lines of no verified sample
 * @param poolRecords records of {@code api.pool}
 * @param poolDuplicates pool records beyond the first of their API id (the pool admits an API once)
 */
record Ledger(long planned, long outcomes, long dialogsEnded, Map<OutcomeStatus, Long> byStatus,
        long verifiedRecords, long duplicateSampleKeys, long duplicateVerifiedDialogs, long verifiedWithoutSample,
        long samplesWithoutOutcome, long exportLines, long exportDuplicates, long exportMissing, long exportExtra,
        long poolRecords, long poolDuplicates) {

    /** Reads the outcome and verified topics to their ends and compares the export with the latter. */
    static Ledger read(final KafkaClientConfig client, final Topics topics, final long planned, final Path export)
            throws IOException {
        final Set<String> dialogs = new HashSet<>();
        final Set<String> verifiedDialogs = new HashSet<>();
        final Map<OutcomeStatus, Long> byStatus = new EnumMap<>(OutcomeStatus.class);
        final List<ConsumerRecord<String, DialogOutcome>> outcomes = TopicReader.readAll(client, topics.outcomes);
        for (final ConsumerRecord<String, DialogOutcome> record : outcomes) {
            final DialogOutcome outcome = record.value();
            dialogs.add(outcome.getDialogId());
            byStatus.merge(outcome.getStatus(), 1L, Long::sum);
            if (outcome.getStatus() == OutcomeStatus.VERIFIED) {
                verifiedDialogs.add(outcome.getDialogId());
            }
        }

        final List<ConsumerRecord<String, Sample>> verified = TopicReader.readAll(client, topics.verified);
        final Set<String> keys = new HashSet<>();
        final Set<String> sampleDialogs = new HashSet<>();
        final Map<String, Integer> topicLines = new HashMap<>();
        for (final ConsumerRecord<String, Sample> record : verified) {
            keys.add(record.key());
            sampleDialogs.add(record.value().getDialogId());
            // The line `run` writes for the sample: the export must hold exactly these.
            topicLines.merge(ToolSamples.toLine(record.value(), SampleFormat.TOOLACE, false), 1, Integer::sum);
        }

        final List<String> lines = Files.exists(export) ? Files.readAllLines(export) : List.of();
        final Map<String, Integer> exportCounts = new HashMap<>();
        lines.forEach(line -> exportCounts.merge(line, 1, Integer::sum));
        long missing = 0;
        for (final Map.Entry<String, Integer> line : topicLines.entrySet()) {
            missing += Math.max(0, line.getValue() - exportCounts.getOrDefault(line.getKey(), 0));
        }
        long extra = 0;
        for (final Map.Entry<String, Integer> line : exportCounts.entrySet()) {
            extra += Math.max(0, line.getValue() - topicLines.getOrDefault(line.getKey(), 0));
        }
        final List<String> pool = TopicReader.readRaw(client, topics.pool.name()).stream()
                .map(ConsumerRecord::key).toList();
        return new Ledger(planned, outcomes.size(), dialogs.size(), byStatus, verified.size(),
                verified.size() - keys.size(), verified.size() - sampleDialogs.size(),
                difference(verifiedDialogs, sampleDialogs), difference(sampleDialogs, verifiedDialogs),
                lines.size(), lines.size() - exportCounts.size(), missing, extra,
                pool.size(), pool.size() - new HashSet<>(pool).size());
    }

    private static long difference(final Set<String> of, final Set<String> minus) {
        return of.stream().filter(id -> !minus.contains(id)).count();
    }

    long status(final OutcomeStatus status) {
        return byStatus.getOrDefault(status, 0L);
    }

    /** Records or lines beyond the first of their dialog, sample, text or API, over the topics and the export. */
    long duplicates() {
        return outcomes - dialogsEnded + duplicateSampleKeys + duplicateVerifiedDialogs + exportDuplicates
                + poolDuplicates;
    }

    /** Planned dialogs that never ended, verified dialogs without a sample, samples missing from the export. */
    long losses() {
        return Math.max(0, planned - dialogsEnded) + verifiedWithoutSample + exportMissing;
    }

    void assertExactlyOnce() {
        final SoftAssertions soft = new SoftAssertions();
        soft.assertThat(dialogsEnded).as("distinct dialogs with an outcome").isEqualTo(planned);
        soft.assertThat(outcomes).as("outcome records (one per dialog)").isEqualTo(dialogsEnded);
        soft.assertThat(status(OutcomeStatus.VERIFIED) + status(OutcomeStatus.REJECTED)
                + status(OutcomeStatus.DEAD_LETTERED)).as("verified + rejected + dead-lettered").isEqualTo(planned);
        soft.assertThat(duplicateSampleKeys).as("duplicate sample keys in samples.verified").isZero();
        soft.assertThat(duplicateVerifiedDialogs).as("dialogs with two verified samples").isZero();
        soft.assertThat(verifiedRecords).as("verified samples against VERIFIED outcomes")
                .isEqualTo(status(OutcomeStatus.VERIFIED));
        soft.assertThat(verifiedWithoutSample).as("VERIFIED dialogs without a sample").isZero();
        soft.assertThat(samplesWithoutOutcome).as("verified samples without a VERIFIED outcome").isZero();
        soft.assertThat(exportDuplicates).as("duplicate lines in the export").isZero();
        soft.assertThat(exportMissing).as("verified samples missing from the export").isZero();
        soft.assertThat(exportExtra).as("export lines of no verified sample").isZero();
        soft.assertThat(exportLines).as("export lines").isEqualTo(verifiedRecords);
        soft.assertThat(poolDuplicates).as("APIs admitted to api.pool twice").isZero();
        soft.assertAll();
        assertThat(verifiedRecords).as("verified samples: a run that verifies nothing proves nothing").isPositive();
    }

    /** The figures of one line of a summary. */
    String figures() {
        return String.format("dialogs %d/%d (verified %d, rejected %d, dead-lettered %d), verified records %d,"
                        + " export lines %d, pool APIs %d, duplicates %d, losses %d",
                dialogsEnded, planned, status(OutcomeStatus.VERIFIED), status(OutcomeStatus.REJECTED),
                status(OutcomeStatus.DEAD_LETTERED), verifiedRecords, exportLines, poolRecords, duplicates(), losses());
    }
}

package io.toolace.stream.dialog;

import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Sample;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ends a draft that cannot go on: a rejected sample with the reason, and its outcome for the planner. */
final class DraftEnds {

    private static final Logger LOG = LoggerFactory.getLogger(DraftEnds.class);

    private DraftEnds() {}

    static void reject(final ProcessorContext<String, Object> context, final Record<?, ?> cause,
            final DialogDraft draft, final String rule, final String message) {
        final Sample sample = Samples.withVerdicts(Samples.fromDraft(draft),
                List.of(Samples.failure(rule, Layer.PIPELINE, draft.getTurns().size() - 1, message)));
        Metrics.counter("toolace.dialog.rejected", "rule", rule).increment();
        LOG.debug("draft {} rejected: {} {}", draft.getId(), rule, message);
        context.forward(cause.withKey(sample.getId()).withValue(sample), TurnStage.REJECTED_SINK);
        final var outcome = Outcomes.of(sample, OutcomeStatus.REJECTED, rule + ": " + message);
        context.forward(cause.withKey(Outcomes.key(outcome)).withValue(outcome), TurnStage.OUTCOMES_SINK);
    }

    /**
     * Accounts for a draft whose processing failed unexpectedly: its outcome is DEAD_LETTERED; the caller
     * rethrows so the processing-exception handler writes the raw record to the DLQ.
     */
    static void deadLetter(final ProcessorContext<String, Object> context, final Record<?, ?> cause,
            final DialogDraft draft, final RuntimeException error) {
        final Sample sample = Samples.fromDraft(draft);
        final var outcome = Outcomes.of(sample, OutcomeStatus.DEAD_LETTERED, error.toString());
        context.forward(cause.withKey(Outcomes.key(outcome)).withValue(outcome), TurnStage.OUTCOMES_SINK);
    }
}

package io.toolace.stream.dlv;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.dialog.ComplexityEvaluator;
import io.toolace.stream.dialog.Outcomes;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The end of verification: a sample goes to verified or rejected, with lineage headers and its outcome.
 * Its complexity is measured here, once it is final, and the outcome carries it back to the planner.
 */
final class Decisions {

    static final String HEADER_POOL_GENERATION = "toolace.pool.generation";
    static final String HEADER_PROMPT_VERSION = "toolace.prompt.version";
    static final String HEADER_AGENTS = "toolace.agents";
    static final String HEADER_VERDICTS = "toolace.verdicts";
    static final String HEADER_DIALOG_TYPE = "toolace.dialog.type";

    private Decisions() {}

    /** {@code asDataset} is the sample in the verifier's model; verdicts do not change it. */
    static void decide(final ProcessorContext<String, Object> context, final Record<?, ?> cause,
            final VerifiedIds verified, final ComplexityEvaluator evaluator, final Sample decided,
            final ToolSample asDataset) {
        final Sample sample = Records.shallowCopy(decided, Sample::new);
        sample.setComplexity(evaluator.complexity(asDataset));
        final boolean passed = sample.getVerdicts().stream().allMatch(Verdict::getPassed);
        final OutcomeStatus status = passed ? OutcomeStatus.VERIFIED : OutcomeStatus.REJECTED;
        if (passed) {
            verified.add(sample.getId(), sample.getDialogId(), cause.timestamp());
        }
        for (final String rule : Samples.failedRules(sample)) {
            Metrics.counter("toolace.verify.failures", "rule", rule).increment();
        }
        Metrics.counter("toolace.verify.decisions", "status", status.name(), "layer", deciding(sample),
                "domain", sample.getDomain(), "type", sample.getDialogType().name()).increment();
        context.forward(new Record<String, Object>(sample.getId(), sample, cause.timestamp(), headers(sample)),
                passed ? VerificationStage.VERIFIED_SINK : VerificationStage.REJECTED_SINK);
        final DialogOutcome outcome = DialogOutcome.newBuilder(Outcomes.of(sample, status,
                        passed ? "" : String.join(", ", Samples.failedRules(sample))))
                .setComplexity(sample.getComplexity())
                .build();
        context.forward(cause.withKey(Outcomes.key(outcome)).withValue(outcome).withHeaders(new RecordHeaders()),
                VerificationStage.OUTCOMES_SINK);
    }

    /** The layer that rejected the sample ({@code rule}, {@code model}, {@code pipeline}), or {@code none}. */
    static String deciding(final Sample sample) {
        for (final Verdict verdict : sample.getVerdicts()) {
            if (!verdict.getPassed()) {
                return verdict.getLayer().name().toLowerCase(Locale.ROOT);
            }
        }
        return "none";
    }

    /** Lineage on every sample record, so a consumer can filter without decoding the value. */
    static Headers headers(final Sample sample) {
        final Headers headers = new RecordHeaders();
        headers.add(HEADER_POOL_GENERATION, utf8(Long.toString(sample.getLineage().getPoolGeneration())));
        headers.add(HEADER_PROMPT_VERSION, utf8(sample.getLineage().getPromptVersion()));
        final StringBuilder agents = new StringBuilder();
        for (final Map.Entry<String, String> agent : new TreeMap<>(sample.getLineage().getAgents())
                .entrySet()) {
            agents.append(agents.length() == 0 ? "" : ",").append(agent.getKey()).append('=').append(agent.getValue());
        }
        headers.add(HEADER_AGENTS, utf8(agents.toString()));
        final TreeSet<String> verdicts = new TreeSet<>();
        for (final Verdict verdict : sample.getVerdicts()) {
            verdicts.add(verdict.getRule() + "=" + (verdict.getPassed() ? "pass" : "fail"));
        }
        headers.add(HEADER_VERDICTS, utf8(String.join(",", verdicts)));
        headers.add(HEADER_DIALOG_TYPE, utf8(sample.getDialogType().name()));
        return headers;
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

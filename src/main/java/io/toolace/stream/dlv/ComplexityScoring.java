package io.toolace.stream.dlv;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.dialog.ComplexityEvaluator;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ComplexityResult;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * SDG's complexity evaluator with a model ({@link PipelineConfig#complexityModel()}): a sample that passed
 * every check waits in a store while the gateway asks the backend's model for its mean token loss
 * ({@code SCORE_COMPLEXITY}), and is decided with that loss mapped onto [0, 1] when the reply comes. A reply
 * without a measured loss (a server without log-probabilities, the procedural backend) or with an error
 * falls back to the model-free evaluator. Rejected samples keep that evaluator too: the planner steers by
 * verified samples only, so a model call for a rejected one would be spent for nothing.
 *
 * <p>A sample is in the store from its request to the first reply; a later reply for it finds nothing and is
 * dropped. The gateway answers every request, with an error reply when the call fails for good, so each
 * entry is removed, and the store holds at most the dialogs in flight, which the planner bounds.
 */
final class ComplexityScoring {

    private final Topics topics;
    private final PipelineConfig config;
    private final ComplexityEvaluator evaluator;
    private final InlineLlm inline;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Sample> scoring;
    private VerifiedIds verified;

    /** With {@code inline} (null for none), the score is asked on this thread and nothing waits in the store. */
    ComplexityScoring(final Topics topics, final PipelineConfig config, final ComplexityEvaluator evaluator,
            final InlineLlm inline) {
        this.topics = topics;
        this.config = config;
        this.evaluator = evaluator;
        this.inline = inline;
    }

    void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.scoring = context.getStateStore(VerificationStage.SCORING_STORE);
        this.verified = VerifiedIds.of(context);
    }

    /** Whether this content waits for its score: it is as good as verified, so the same content again is a duplicate. */
    boolean pending(final String sampleId) {
        return scoring.get(sampleId) != null;
    }

    /**
     * Decides the sample; one that passed is first scored by the model, when the model measures complexity.
     * {@code asDataset} is the sample in the verifier's model.
     */
    void decide(final Record<?, ?> cause, final Sample decided, final ToolSample asDataset) {
        if (!config.complexityModel() || !decided.getVerdicts().stream().allMatch(Verdict::getPassed)) {
            Decisions.decide(context, cause, verified, evaluator, decided, asDataset);
            return;
        }
        final LlmRequest request = LlmRequests.of(AgentTask.SCORE_COMPLEXITY, topics.verifyReplies.name(),
                decided.getId(), 0, 0, "verify", decided, cause.timestamp());
        if (inline != null) {
            decideScored(cause, decided, asDataset, inline.ask(request));
            return;
        }
        scoring.put(decided.getId(), decided);
        context.forward(cause.withKey(decided.getId()).withValue(request), VerificationStage.REQUESTS_SINK);
    }

    /** Decides the sample a {@code SCORE_COMPLEXITY} reply is for. */
    void scored(final Record<?, ?> cause, final LlmReply reply) {
        final Sample pending = scoring.get(reply.getRequest().getCorrelationId());
        if (pending == null) {
            Metrics.counter("toolace.verify.replies.duplicate").increment();
            return;
        }
        scoring.delete(pending.getId());
        decideScored(cause, pending, ToolSamples.toToolSample(pending), reply);
    }

    private void decideScored(final Record<?, ?> cause, final Sample pending, final ToolSample asDataset,
            final LlmReply reply) {
        if (reply.getError() == null && reply.getResult() instanceof ComplexityResult result && result.getMeasured()) {
            Metrics.counter("toolace.verify.complexity", "source", "model").increment();
            final double score = fromLoss(result.getLoss(), config);
            final Sample scored = Records.shallowCopy(pending, Sample::new);
            scored.setLineage(Samples.withAgent(pending.getLineage(), reply));
            Decisions.decide(context, cause, verified, sample -> score, scored, asDataset);
            return;
        }
        Metrics.counter("toolace.verify.complexity", "source", "proxy").increment();
        Decisions.decide(context, cause, verified, evaluator, pending, asDataset);
    }

    /** The loss placed on the configured scale, clamped to [0, 1]. */
    static double fromLoss(final double loss, final PipelineConfig config) {
        final double scaled = (loss - config.complexityLossEasy())
                / (config.complexityLossHard() - config.complexityLossEasy());
        return Math.max(0, Math.min(1, scaled));
    }
}

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
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first layer: rejects duplicates and samples that break a rule, and sends the rest to the model
 * layer's judges. The cheap checks run first so no judge call is spent on a sample a rule rejects. With a
 * backend that answers inline, the judges are asked here and the sample is decided in the same step.
 */
final class RuleLayerProcessor implements Processor<String, Sample, String, Object> {

    private final Topics topics;
    private final PipelineConfig config;
    private final RuleLayer ruleLayer;
    private final ComplexityEvaluator complexity;
    private final ComplexityScoring scoring;
    private final InlineLlm inline;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Sample> judging;
    private VerifiedIds verified;

    /** With {@code inline} (null for none), the judges are asked here and the sample decided at once. */
    RuleLayerProcessor(final Topics topics, final PipelineConfig config, final RuleLayer ruleLayer,
            final ComplexityEvaluator complexity, final InlineLlm inline) {
        this.topics = topics;
        this.config = config;
        this.ruleLayer = ruleLayer;
        this.complexity = complexity;
        this.inline = inline;
        this.scoring = new ComplexityScoring(topics, config, complexity, inline);
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.judging = context.getStateStore(VerificationStage.JUDGING_STORE);
        this.verified = VerifiedIds.of(context);
        scoring.init(context);
    }

    @Override
    public void process(final Record<String, Sample> record) {
        final Sample sample = record.value();
        final ToolSample asDataset = ToolSamples.toToolSample(sample);
        if (verified.contains(sample.getId()) || judging.get(sample.getId()) != null || scoring.pending(sample.getId())) {
            Decisions.decide(context, record, verified, complexity, Samples.withVerdicts(sample, List.of(Samples.failure(
                    "SAMPLE_DUPLICATE", Layer.PIPELINE, -1, "same content as an earlier sample"))), asDataset);
            return;
        }
        final List<Verdict> failures = ruleLayer.check(sample, asDataset);
        if (!failures.isEmpty() || config.judges().isEmpty()) {
            scoring.decide(record, Samples.withVerdicts(sample, failures), asDataset);
            return;
        }
        if (inline != null) {
            scoring.decide(record, judgedInline(sample, record.timestamp()), asDataset);
            return;
        }
        judging.put(sample.getId(), sample);
        for (final String judge : config.judges()) {
            for (int vote = 0; vote < config.judgeVotes(); vote++) {
                final LlmRequest request = judgeRequest(AgentTask.valueOf(judge), sample, 0, vote, record.timestamp());
                context.forward(record.withKey(sample.getId()).withValue(request), VerificationStage.REQUESTS_SINK);
            }
        }
    }

    /**
     * Every judge's votes, asked on this thread as the model layer asks them through the gateway (an error reply
     * asked again at the next step), kept one verdict per judge by majority.
     */
    private Sample judgedInline(final Sample sample, final long nowMs) {
        final List<Verdict> votes = new ArrayList<>();
        Lineage lineage = sample.getLineage();
        for (final String judge : config.judges()) {
            final AgentTask task = AgentTask.valueOf(judge);
            for (int vote = 0; vote < config.judgeVotes(); vote++) {
                LlmReply reply = inline.ask(judgeRequest(task, sample, 0, vote, nowMs));
                for (int step = 1; reply.getError() != null && step <= config.answerRetries(); step++) {
                    Metrics.counter("toolace.verify.judge.retries", "task", task.name()).increment();
                    reply = inline.ask(judgeRequest(task, sample, step, vote, nowMs));
                }
                votes.add(ModelLayerProcessor.verdict(ModelLayerProcessor.ruleOf(task), vote, reply));
                lineage = Samples.withAgent(lineage, reply);
            }
        }
        final Sample judged = Samples.withVerdicts(sample, votes);
        judged.setLineage(lineage);
        return ModelLayerProcessor.majority(judged, config.judgeVotes());
    }

    private LlmRequest judgeRequest(final AgentTask task, final Sample sample, final int step, final int vote,
            final long nowMs) {
        return LlmRequests.of(task, topics.verifyReplies.name(), sample.getId(), step, vote, "verify", sample, nowMs);
    }
}

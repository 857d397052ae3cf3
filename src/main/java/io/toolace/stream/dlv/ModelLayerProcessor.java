package io.toolace.stream.dlv;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The second layer: collects one verdict per judge (a reply the gateway delivers twice is dropped)
 * and decides once every judge has answered.
 */
final class ModelLayerProcessor implements Processor<String, LlmReply, String, Object> {

    private final PipelineConfig config;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Sample> judging;
    private KeyValueStore<String, String> seen;

    ModelLayerProcessor(final PipelineConfig config) {
        this.config = config;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.judging = context.getStateStore(VerificationStage.JUDGING_STORE);
        this.seen = context.getStateStore(VerificationStage.SEEN_STORE);
    }

    @Override
    public void process(final Record<String, LlmReply> record) {
        final LlmReply reply = record.value();
        if (reply == null) {
            return;
        }
        final Sample pending = judging.get(reply.getRequest().getCorrelationId());
        final String rule = ruleOf(reply.getRequest().getTask());
        if (pending == null || judged(pending, rule)) {
            Metrics.counter("toolace.verify.replies.duplicate").increment();
            return;
        }
        final Sample judged = Sample.newBuilder(Samples.withVerdicts(pending, List.of(verdict(rule, reply))))
                .setLineage(Samples.withAgent(pending.getLineage(), reply))
                .build();
        final long answered = judged.getVerdicts().stream().filter(v -> v.getLayer() == Layer.MODEL).count();
        if (answered < config.judges().size()) {
            judging.put(judged.getId(), judged);
            return;
        }
        judging.delete(judged.getId());
        Decisions.decide(context, record, seen, judged);
    }

    private static boolean judged(final Sample sample, final String rule) {
        for (final Verdict verdict : sample.getVerdicts()) {
            if (verdict.getLayer() == Layer.MODEL && verdict.getRule().equals(rule)) {
                return true;
            }
        }
        return false;
    }

    private static Verdict verdict(final String rule, final LlmReply reply) {
        final String judge = reply.getUsage().getBackend() + "/" + reply.getUsage().getModel();
        final Verdict.Builder verdict = Verdict.newBuilder().setRule(rule).setLayer(Layer.MODEL).setJudge(judge);
        if (reply.getError() != null || !(reply.getResult() instanceof JudgeResult)) {
            return verdict.setPassed(false)
                    .setMessage("judge gave no verdict: " + (reply.getError() != null ? reply.getError()
                            : "unexpected answer"))
                    .build();
        }
        final JudgeResult result = (JudgeResult) reply.getResult();
        return verdict.setPassed(result.getPassed()).setTurn(result.getTurn()).setMessage(result.getReason()).build();
    }

    /** The rule id a judge task decides; users filter on these ids. */
    static String ruleOf(final AgentTask task) {
        switch (task) {
            case JUDGE_HALLUCINATION: return "MODEL_HALLUCINATION";
            case JUDGE_CONSISTENCY: return "MODEL_INCONSISTENT";
            case JUDGE_TOOL_RESPONSE: return "MODEL_TOOL_RESPONSE_MISMATCH";
            case JUDGE_REPETITIVE: return "MODEL_REPETITIVE";
            default: throw new IllegalArgumentException(task + " is not a judge");
        }
    }
}

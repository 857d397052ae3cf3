package io.toolace.stream.dlv;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.dialog.ComplexityEvaluator;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The second layer: collects one vote per judge and vote index (a reply the gateway delivers twice is
 * dropped), and once every vote is in, keeps one verdict per judge, the majority's, then decides. A
 * judge whose reply is an error is asked again (the next step, so another cache key and seed) up to
 * {@code answerRetries} times before its vote counts as failed: a garbled judge answer says nothing
 * about the sample. The replies to {@code SCORE_COMPLEXITY} share the topic, and go to
 * {@link ComplexityScoring}.
 */
final class ModelLayerProcessor implements Processor<String, LlmReply, String, Object> {

    private final Topics topics;
    private final PipelineConfig config;
    private final ComplexityScoring scoring;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Sample> judging;

    /** {@code inline}: where the replies to scores asked from here on come from (null: the gateway). */
    ModelLayerProcessor(final Topics topics, final PipelineConfig config, final ComplexityEvaluator complexity,
            final InlineLlm inline) {
        this.topics = topics;
        this.config = config;
        this.scoring = new ComplexityScoring(topics, config, complexity, inline);
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.judging = context.getStateStore(VerificationStage.JUDGING_STORE);
        scoring.init(context);
    }

    @Override
    public void process(final Record<String, LlmReply> record) {
        final LlmReply reply = record.value();
        if (reply.getRequest().getTask() == AgentTask.SCORE_COMPLEXITY) {
            scoring.scored(record, reply);
            return;
        }
        final String rule = ruleOf(reply.getRequest().getTask());
        if (rule == null) {
            throw new PoisonRecordException("a reply to " + reply.getRequest().getTask()
                    + " on the verification replies, which carry judges' verdicts and complexity scores only");
        }
        final Sample pending = judging.get(reply.getRequest().getCorrelationId());
        final int vote = reply.getRequest().getSampleIndex();
        if (pending == null || voted(pending, rule, vote)) {
            Metrics.counter("toolace.verify.replies.duplicate").increment();
            return;
        }
        final LlmRequest asked = reply.getRequest();
        if (reply.getError() != null && asked.getStep() < config.answerRetries()) {
            Metrics.counter("toolace.verify.judge.retries", "task", asked.getTask().name()).increment();
            context.forward(record.withKey(pending.getId()).withValue(LlmRequests.of(asked.getTask(),
                    topics.verifyReplies.name(), pending.getId(), asked.getStep() + 1, vote, "verify",
                    asked.getPayload(), record.timestamp())), VerificationStage.REQUESTS_SINK);
            return;
        }
        final Sample judged = Samples.withVerdicts(pending, List.of(verdict(rule, vote, reply)));
        judged.setLineage(Samples.withAgent(pending.getLineage(), reply));
        final long answered = judged.getVerdicts().stream().filter(v -> v.getLayer() == Layer.MODEL).count();
        if (answered < (long) config.judges().size() * config.judgeVotes()) {
            judging.put(judged.getId(), judged);
            return;
        }
        judging.delete(judged.getId());
        final Sample decided = majority(judged, config.judgeVotes());
        scoring.decide(record, decided, ToolSamples.toToolSample(decided));
    }

    /** While votes are collected, a vote's judge field ends with its index, so a repeated reply is seen. */
    private static final String VOTE = " vote ";

    private static String voteTag(final int vote) {
        return VOTE + vote;
    }

    private static boolean voted(final Sample sample, final String rule, final int vote) {
        for (final Verdict verdict : sample.getVerdicts()) {
            if (verdict.getLayer() == Layer.MODEL && verdict.getRule().equals(rule)
                    && verdict.getJudge().endsWith(voteTag(vote))) {
                return true;
            }
        }
        return false;
    }

    /** One verdict per judge: passed when most votes passed; a failure keeps the first failing reason. */
    static Sample majority(final Sample sample, final int votes) {
        final List<Verdict> kept = new ArrayList<>();
        final Map<String, List<Verdict>> byRule = new LinkedHashMap<>();
        for (final Verdict verdict : sample.getVerdicts()) {
            if (verdict.getLayer() == Layer.MODEL) {
                byRule.computeIfAbsent(verdict.getRule(), r -> new ArrayList<>()).add(verdict);
            } else {
                kept.add(verdict);
            }
        }
        for (final List<Verdict> ballot : byRule.values()) {
            final long passes = ballot.stream().filter(Verdict::getPassed).count();
            final boolean passed = 2 * passes > votes;
            final Verdict shown = ballot.stream().filter(v -> v.getPassed() == passed).findFirst().orElseThrow();
            final String judge = shown.getJudge().substring(0, shown.getJudge().lastIndexOf(VOTE));
            kept.add(Verdict.newBuilder(shown)
                    .setJudge(judge)
                    .setMessage(votes == 1 ? shown.getMessage()
                            : shown.getMessage() + " (" + passes + " of " + votes + " votes passed)")
                    .build());
        }
        final Sample decided = Records.shallowCopy(sample, Sample::new);
        decided.setVerdicts(kept);
        return decided;
    }

    static Verdict verdict(final String rule, final int vote, final LlmReply reply) {
        final String judge = reply.getUsage().getBackend() + "/" + reply.getUsage().getModel() + voteTag(vote);
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

    /** The rule id a judge task decides, users filter on these ids; null for a task that is no judge. */
    static String ruleOf(final AgentTask task) {
        switch (task) {
            case JUDGE_HALLUCINATION: return "MODEL_HALLUCINATION";
            case JUDGE_CONSISTENCY: return "MODEL_INCONSISTENT";
            case JUDGE_TOOL_RESPONSE: return "MODEL_TOOL_RESPONSE_MISMATCH";
            case JUDGE_REPETITIVE: return "MODEL_REPETITIVE";
            default: return null;
        }
    }
}

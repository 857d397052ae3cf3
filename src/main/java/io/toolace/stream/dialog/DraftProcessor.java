package io.toolace.stream.dialog;

import io.toolace.stream.evolution.ApiCheck;
import io.toolace.stream.evolution.VerifierApiCheck;
import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Asks for the next agent's turn of a draft, or hands a finished draft on as a sample candidate; with a
 * backend that answers inline, it runs the draft's whole loop itself and hands on its end. It
 * records the step it asked for, so the reply processor can tell a fresh reply from a duplicate, and, when
 * assistant actions are voted on, the ballot that tells it how many answers to wait for.
 */
final class DraftProcessor implements Processor<String, DialogDraft, String, Object> {

    static final String NO_TOOLS = "DIALOG_NO_TOOLS";
    /**
     * The pool gate's verdict per tool, by id and checked against its definition: the planner offers the same
     * pool APIs in draft after draft, and checking one parses and compiles both its schemas. A generation of
     * 8,192 holds a first generation's pool (about 7,000 APIs) whole, where 2,048 missed on every second tool;
     * bounded, so a pool of any size costs some tens of megabytes.
     */
    private static final BoundedCache<String, Checked> CHECKED = new BoundedCache<>(8_192);

    /** An API and the pool gate's verdict on it. */
    private record Checked(ApiDefinition api, Optional<String> problem) {}

    private final Topics topics;
    private static final ApiCheck CHECK = new VerifierApiCheck();
    private final int maxSteps;
    private final int assistantVotes;
    private final InlineTurns inlineTurns;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Integer> steps;
    private KeyValueStore<String, Ballot> ballots;

    /** With {@code inline}, each draft's whole loop runs here ({@link InlineTurns}); null asks the gateway. */
    DraftProcessor(final Topics topics, final PipelineConfig config, final InlineLlm inline) {
        this.topics = topics;
        this.maxSteps = config.maxSteps();
        this.assistantVotes = config.assistantVotes();
        this.inlineTurns = inline == null ? null : new InlineTurns(inline, topics.dialogReplies.name(), maxSteps,
                assistantVotes, config.voteRetries(), config.answerRetries());
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.steps = context.getStateStore(TurnStage.STEPS_STORE);
        this.ballots = context.getStateStore(TurnStage.BALLOTS_STORE);
    }

    @Override
    public void process(final Record<String, DialogDraft> record) {
        try {
            final String problem = problem(record.value());
            if (problem != null) {
                DraftEnds.reject(context, record, record.value(), problem.substring(0, problem.indexOf(':')),
                        problem.substring(problem.indexOf(':') + 2));
            } else if (inlineTurns != null && record.value().getNext() != Agent.DONE) {
                final InlineTurns.End end = inlineTurns.run(record.value(), record.timestamp());
                if (end.rejected()) {
                    forgetStep(end.draft().getId());
                    DraftEnds.reject(context, record, end.draft(), end.rule(), end.message());
                } else {
                    takeStep(record, end.draft());
                }
            } else {
                takeStep(record, record.value());
            }
        } catch (final RuntimeException e) {
            DraftEnds.deadLetter(context, record, record.value(), e);
            throw e;
        }
    }

    /** Hands a finished draft on, ends a runaway one, or asks the gateway for the next agent's turn. */
    private void takeStep(final Record<String, DialogDraft> record, final DialogDraft draft) {
        if (draft.getNext() == Agent.DONE) {
            forgetStep(draft.getId());
            final Sample sample = Samples.fromDraft(draft);
            context.forward(record.withKey(sample.getId()).withValue(sample), TurnStage.CANDIDATES_SINK);
        } else if (draft.getStep() >= maxSteps) {
            forgetStep(draft.getId());
            DraftEnds.reject(context, record, draft, "DIALOG_STEP_LIMIT",
                    "no end after " + draft.getStep() + " agent steps (limit " + maxSteps + ")");
        } else if (draft.getNext() == Agent.ASSISTANT && assistantVotes > 1) {
            steps.put(draft.getId(), draft.getStep());
            final Ballot ballot = Ballot.first(assistantVotes);
            ballots.put(draft.getId(), ballot);
            for (final LlmRequest request : TurnReplyProcessor.firstAsked(ballot, topics.dialogReplies.name(), draft,
                    record.timestamp())) {
                context.forward(record.withKey(draft.getId()).withValue(request), TurnStage.REQUESTS_SINK);
            }
        } else {
            steps.put(draft.getId(), draft.getStep());
            final LlmRequest request = LlmRequests.of(DialogProtocol.taskFor(draft.getNext()),
                    topics.dialogReplies.name(), draft.getId(), draft.getStep(), 0, TurnStage.STAGE, draft,
                    record.timestamp());
            context.forward(record.withKey(draft.getId()).withValue(request), TurnStage.REQUESTS_SINK);
        }
    }

    /**
     * Drops the step a draft waited for. Looked up first: a draft run inline never waited for one, and a delete
     * writes a tombstone to the store's changelog whether or not there was an entry.
     */
    private void forgetStep(final String draftId) {
        if (steps.get(draftId) != null) {
            steps.delete(draftId);
        }
    }

    /**
     * Why no agent should be asked about a new draft, as {@code RULE: reason}, or null. The planner offers
     * pool APIs only, so a draft without tools, or with one the pool would not admit, came from elsewhere,
     * and asking an agent about it would spend a call on a sample that cannot pass. Later steps are drafts
     * this stage wrote, with the same tools.
     */
    private String problem(final DialogDraft draft) {
        if (draft.getStep() > 0) {
            return null;
        }
        if (draft.getTools().isEmpty()) {
            return NO_TOOLS + ": the draft offers no candidate tools";
        }
        for (final ApiDefinition tool : draft.getTools()) {
            final Optional<String> problem = gateProblem(tool);
            if (problem.isPresent()) {
                return problem.get();
            }
        }
        return null;
    }

    /** Why the pool gate refuses {@code tool}, or empty when it passes. */
    static Optional<String> gateProblem(final ApiDefinition tool) {
        if (tool.getId() == null) {
            return CHECK.problem(tool);
        }
        final Checked cached = CHECKED.peek(tool.getId());
        if (cached != null && ToolSamples.sameDefinition(cached.api(), tool)) {
            return cached.problem();
        }
        final Optional<String> problem = CHECK.problem(tool);
        CHECKED.put(tool.getId(), new Checked(tool, problem));
        return problem;
    }
}

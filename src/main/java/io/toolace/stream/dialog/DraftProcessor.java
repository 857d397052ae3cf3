package io.toolace.stream.dialog;

import io.toolace.stream.evolution.ApiCheck;
import io.toolace.stream.evolution.VerifierApiCheck;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
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
 * Asks for the next agent's turn of a draft, or hands a finished draft on as a sample candidate. It
 * records the step it asked for, so the reply processor can tell a fresh reply from a duplicate, and, when
 * assistant actions are voted on, the ballot that tells it how many answers to wait for.
 */
final class DraftProcessor implements Processor<String, DialogDraft, String, Object> {

    static final String NO_TOOLS = "DIALOG_NO_TOOLS";

    private final Topics topics;
    private final ApiCheck check = new VerifierApiCheck();
    private final int maxSteps;
    private final int assistantVotes;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Integer> steps;
    private KeyValueStore<String, Ballot> ballots;

    DraftProcessor(final Topics topics, final PipelineConfig config) {
        this.topics = topics;
        this.maxSteps = config.maxSteps();
        this.assistantVotes = config.assistantVotes();
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.steps = context.getStateStore(TurnStage.STEPS_STORE);
        this.ballots = context.getStateStore(TurnStage.BALLOTS_STORE);
    }

    @Override
    public void process(final Record<String, DialogDraft> record) {
        final DialogDraft draft = record.value();
        try {
            final String problem = problem(draft);
            if (problem != null) {
                DraftEnds.reject(context, record, draft, problem.substring(0, problem.indexOf(':')),
                        problem.substring(problem.indexOf(':') + 2));
            } else if (draft.getNext() == Agent.DONE) {
                steps.delete(draft.getId());
                final Sample sample = Samples.fromDraft(draft);
                context.forward(record.withKey(sample.getId()).withValue(sample), TurnStage.CANDIDATES_SINK);
            } else if (draft.getStep() >= maxSteps) {
                steps.delete(draft.getId());
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
        } catch (final RuntimeException e) {
            DraftEnds.deadLetter(context, record, draft, e);
            throw e;
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
            final Optional<String> problem = check.problem(tool);
            if (problem.isPresent()) {
                return problem.get();
            }
        }
        return null;
    }
}

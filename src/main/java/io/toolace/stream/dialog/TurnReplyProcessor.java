package io.toolace.stream.dialog;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Records;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies an agent's turn to the draft it answers and puts the draft back on the loop. The gateway may
 * deliver a reply twice (it commits after sending); a reply for a step other than the one the draft
 * waits for is dropped, so each step is taken once. An assistant step under an open ballot is applied
 * only once its vote is decided: each answer is kept until the round is complete, and a repeated answer
 * (same sample index) or one of an earlier round is dropped. An error reply (the call failed for good,
 * the answer was unusable) outside a ballot is asked again, up to {@code answerRetries} times, before
 * the draft is rejected: one truncated answer should not throw away the calls the dialog has cost.
 */
final class TurnReplyProcessor implements Processor<String, LlmReply, String, Object> {

    static final String VOTE_DISAGREED = "ASSISTANT_VOTE_DISAGREED";

    private final int voteRetries;
    private final int answerRetries;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Integer> steps;
    private KeyValueStore<String, Ballot> ballots;
    private KeyValueStore<String, LlmReply> votes;

    TurnReplyProcessor(final int voteRetries, final int answerRetries) {
        this.voteRetries = voteRetries;
        this.answerRetries = answerRetries;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.steps = context.getStateStore(TurnStage.STEPS_STORE);
        this.ballots = context.getStateStore(TurnStage.BALLOTS_STORE);
        this.votes = context.getStateStore(TurnStage.VOTES_STORE);
    }

    @Override
    public void process(final Record<String, LlmReply> record) {
        final LlmReply reply = record.value();
        final LlmRequest request = reply.getRequest();
        final Integer waitingFor = steps.get(request.getCorrelationId());
        if (waitingFor == null || waitingFor != request.getStep()) {
            Metrics.counter("toolace.dialog.replies.duplicate").increment();
            return;
        }
        if (!(request.getPayload() instanceof DialogDraft)) {
            throw new PoisonRecordException("a reply to " + request.getTask() + " for draft " + request.getCorrelationId()
                    + " carries a " + request.getPayload().getClass().getSimpleName() + ", not the draft");
        }
        final DialogDraft draft = (DialogDraft) request.getPayload();
        // The ballot, not today's assistantVotes, says whether to vote: one opened before a restart under
        // another setting still gets decided. A local read per assistant answer; nothing written at 1 vote.
        final Ballot ballot = request.getTask() == AgentTask.ASSISTANT_TURN ? ballots.get(draft.getId()) : null;
        if (ballot != null) {
            try {
                vote(record, draft, ballot);
            } catch (final RuntimeException e) {
                // Later answers of this step find no step awaited and are dropped, so the draft ends once.
                forget(draft.getId(), ballot);
                steps.delete(draft.getId());
                DraftEnds.deadLetter(context, record, draft, e);
                throw e;
            }
            return;
        }
        if (reply.getError() != null && request.getSampleIndex() < answerRetries) {
            askAgain(record, request, draft);
            return;
        }
        try {
            steps.put(draft.getId(), request.getStep() + 1);
            final String problem = problem(reply, draft);
            if (problem != null) {
                steps.delete(draft.getId());
                DraftEnds.reject(context, record, draft, rejection(reply), problem);
                return;
            }
            final DialogDraft next = apply(draft, reply, (TurnResult) reply.getResult());
            context.forward(record.withKey(next.getId()).withValue(next), TurnStage.DRAFTS_SINK);
        } catch (final RuntimeException e) {
            DraftEnds.deadLetter(context, record, draft, e);
            throw e;
        }
    }

    /** Keeps one answer of the open round; once the round is complete, applies, asks again or rejects. */
    private void vote(final Record<String, LlmReply> record, final DialogDraft draft, final Ballot ballot) {
        final int index = record.value().getRequest().getSampleIndex();
        if (!ballot.counts(index) || votes.get(voteKey(draft.getId(), index)) != null) {
            Metrics.counter("toolace.dialog.replies.duplicate").increment();
            return;
        }
        final List<LlmReply> answers = new ArrayList<>(ballot.votes());
        answers.add(record.value());
        for (int other = ballot.firstSample(); other < ballot.firstSample() + ballot.votes(); other++) {
            final LlmReply answer = other == index ? null : votes.get(voteKey(draft.getId(), other));
            if (answer != null) {
                answers.add(answer);
            }
        }
        final AssistantVote.Decision decision = answers.size() < ballot.votes() ? settled(answers, draft, ballot)
                : AssistantVote.decide(answers, draft);
        if (decision == null) {
            votes.put(voteKey(draft.getId(), index), record.value());
            if (answers.size() == majority(ballot)) {
                final List<LlmRequest> round = ballot.requests(record.value().getRequest().getReplyTopic(), draft,
                        record.timestamp());
                for (final LlmRequest request : round.subList(majority(ballot), round.size())) {
                    context.forward(record.withKey(draft.getId()).withValue(request), TurnStage.REQUESTS_SINK);
                }
            }
            return;
        }
        if (decision.agreed()) {
            forget(draft.getId(), ballot);
            steps.put(draft.getId(), draft.getStep() + 1);
            Metrics.counter("toolace.dialog.votes", "result", "agreed").increment();
            final DialogDraft next = apply(draft, decision.winner(), (TurnResult) decision.winner().getResult());
            context.forward(record.withKey(next.getId()).withValue(next), TurnStage.DRAFTS_SINK);
        } else if (ballot.round() < voteRetries) {
            forgetAnswers(draft.getId(), ballot);
            final Ballot again = ballot.next();
            ballots.put(draft.getId(), again);
            Metrics.counter("toolace.dialog.votes", "result", "retried").increment();
            for (final LlmRequest request : firstAsked(again, record.value().getRequest().getReplyTopic(), draft,
                    record.timestamp())) {
                context.forward(record.withKey(draft.getId()).withValue(request), TurnStage.REQUESTS_SINK);
            }
        } else {
            forget(draft.getId(), ballot);
            steps.delete(draft.getId());
            Metrics.counter("toolace.dialog.votes", "result", "dropped").increment();
            DraftEnds.reject(context, record, draft, VOTE_DISAGREED, disagreement(decision, ballot));
        }
    }

    /** The reason a draft whose last round found no majority is rejected. */
    static String disagreement(final AssistantVote.Decision decision, final Ballot ballot) {
        return "no majority of " + decision.votes() + " answers in " + (ballot.round() + 1) + " rounds: "
                + decision.parts();
    }

    /**
     * Answers a ballot asks for first: just enough to make a majority. Only when they disagree are the others
     * asked, since once a strict majority of the whole ballot agrees no later answer can change the winner (the
     * majority's lowest sample index, which is among those asked first): an agreeing pair of three saves a call.
     */
    static int majority(final Ballot ballot) {
        return ballot.votes() / 2 + 1;
    }

    static List<LlmRequest> firstAsked(final Ballot ballot, final String replyTopic, final DialogDraft draft,
            final long nowMs) {
        return ballot.requests(replyTopic, draft, nowMs).subList(0, majority(ballot));
    }

    /**
     * The decision of a round not all asked yet, when a strict majority of the whole ballot already agrees;
     * null while the answers still to come could decide it.
     */
    static AssistantVote.Decision settled(final List<LlmReply> answers, final DialogDraft draft,
            final Ballot ballot) {
        final AssistantVote.Decision decision = AssistantVote.decide(answers, draft);
        if (!decision.agreed()) {
            return null;
        }
        final String winning = AssistantVote.callParts((TurnResult) decision.winner().getResult());
        final long agreeing = answers.stream().filter(answer -> problem(answer, draft) == null
                && AssistantVote.callParts((TurnResult) answer.getResult()).equals(winning)).count();
        return 2 * agreeing > ballot.votes() ? decision : null;
    }

    /**
     * The same step under the next sample index: another cache key and another seed, so the failure is not
     * handed back from the cache nor drawn again.
     */
    private void askAgain(final Record<String, LlmReply> record, final LlmRequest request, final DialogDraft draft) {
        Metrics.counter("toolace.dialog.answer.retries", "task", request.getTask().name()).increment();
        context.forward(record.withKey(draft.getId()).withValue(LlmRequests.of(request.getTask(),
                request.getReplyTopic(), request.getCorrelationId(), request.getStep(), request.getSampleIndex() + 1,
                request.getStage(), draft, record.timestamp())), TurnStage.REQUESTS_SINK);
    }

    private void forget(final String draftId, final Ballot ballot) {
        forgetAnswers(draftId, ballot);
        ballots.delete(draftId);
    }

    private void forgetAnswers(final String draftId, final Ballot ballot) {
        for (int index = ballot.firstSample(); index < ballot.firstSample() + ballot.votes(); index++) {
            votes.delete(voteKey(draftId, index));
        }
    }

    private static String voteKey(final String draftId, final int sampleIndex) {
        return draftId + '#' + sampleIndex;
    }

    /** The rule a draft is rejected by when its reply cannot be applied: a failed call or an unusable answer. */
    static String rejection(final LlmReply reply) {
        return reply.getError() != null ? "LLM_ERROR" : "AGENT_BAD_ANSWER";
    }

    /** Why the reply cannot be applied, or null when it can. */
    static String problem(final LlmReply reply, final DialogDraft draft) {
        if (reply.getError() != null) {
            return reply.getError();
        }
        if (!(reply.getResult() instanceof TurnResult)) {
            return "expected a turn, got " + (reply.getResult() == null ? "nothing" : reply.getResult().getClass()
                    .getSimpleName());
        }
        final Role role = ((TurnResult) reply.getResult()).getTurn().getRole();
        final Role expected = DialogProtocol.roleOf(draft.getNext());
        return role == expected ? null : "expected a " + expected + " turn, got " + role;
    }

    static DialogDraft apply(final DialogDraft draft, final LlmReply reply, final TurnResult result) {
        final List<Turn> turns = new ArrayList<>(draft.getTurns());
        turns.add(result.getTurn());
        final List<String> faults = new ArrayList<>(draft.getFaults());
        faults.addAll(result.getFaults());
        final Agent next = DialogProtocol.next(draft.getNext(), result);
        final DialogDraft applied = Records.shallowCopy(draft, DialogDraft::new);
        applied.setTurns(turns);
        applied.setFaults(faults);
        applied.setNext(next);
        applied.setStep(draft.getStep() + 1);
        applied.setLineage(Samples.withAgent(draft.getLineage(), reply));
        return applied;
    }
}

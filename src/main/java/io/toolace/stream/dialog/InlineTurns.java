package io.toolace.stream.dialog;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The turn loop of one draft, run on the stage's thread against a backend that answers inline. It asks the
 * same requests as the loop through the gateway (ids, sample indexes, votes, retries), and the backend answers a
 * request the same either way, so a draft ends the same; only its end leaves the processor. Nothing is kept in
 * a store: the draft's whole loop is one processing step, which exactly-once commits or repeats as a whole.
 */
final class InlineTurns {

    /**
     * Where a draft's loop stopped.
     *
     * @param draft the draft as far as it got: finished (next agent DONE) or at the step limit when not rejected
     * @param rule the rejection's rule, or null
     * @param message the rejection's reason, or null
     */
    record End(DialogDraft draft, String rule, String message) {

        boolean rejected() {
            return rule != null;
        }

        static End at(final DialogDraft draft) {
            return new End(draft, null, null);
        }
    }

    private final InlineLlm llm;
    private final String replyTopic;
    private final int maxSteps;
    private final int assistantVotes;
    private final int voteRetries;
    private final int answerRetries;

    /** {@code replyTopic} goes into the requests only so that they are the gateway path's, field for field. */
    InlineTurns(final InlineLlm llm, final String replyTopic, final int maxSteps, final int assistantVotes,
            final int voteRetries, final int answerRetries) {
        this.llm = llm;
        this.replyTopic = replyTopic;
        this.maxSteps = maxSteps;
        this.assistantVotes = assistantVotes;
        this.voteRetries = voteRetries;
        this.answerRetries = answerRetries;
    }

    End run(final DialogDraft draft, final long nowMs) {
        DialogDraft current = draft;
        while (current.getNext() != Agent.DONE && current.getStep() < maxSteps) {
            final End step = current.getNext() == Agent.ASSISTANT && assistantVotes > 1
                    ? vote(current, nowMs) : ask(current, nowMs);
            if (step.rejected()) {
                return step;
            }
            current = step.draft();
        }
        return End.at(current);
    }

    /** One agent's turn; an error reply is asked again under the next sample index, as the reply processor does. */
    private End ask(final DialogDraft draft, final long nowMs) {
        final AgentTask task = DialogProtocol.taskFor(draft.getNext());
        LlmReply reply = llm.ask(request(task, draft, 0, nowMs));
        for (int index = 1; reply.getError() != null && index <= answerRetries; index++) {
            Metrics.counter("toolace.dialog.answer.retries", "task", task.name()).increment();
            reply = llm.ask(request(task, draft, index, nowMs));
        }
        final String problem = TurnReplyProcessor.problem(reply, draft);
        if (problem != null) {
            return new End(draft, TurnReplyProcessor.rejection(reply), problem);
        }
        return End.at(TurnReplyProcessor.apply(draft, reply, (TurnResult) reply.getResult()));
    }

    /** An assistant step under a vote: a majority asked first, the rest only when it does not settle the vote. */
    private End vote(final DialogDraft draft, final long nowMs) {
        Ballot ballot = Ballot.first(assistantVotes);
        while (true) {
            final List<LlmRequest> round = ballot.requests(replyTopic, draft, nowMs);
            final int majority = TurnReplyProcessor.majority(ballot);
            final List<LlmReply> answers = new ArrayList<>(round.size());
            round.subList(0, majority).forEach(request -> answers.add(llm.ask(request)));
            AssistantVote.Decision decision = answers.size() < ballot.votes()
                    ? TurnReplyProcessor.settled(answers, draft, ballot) : AssistantVote.decide(answers, draft);
            if (decision == null) {
                round.subList(majority, round.size()).forEach(request -> answers.add(llm.ask(request)));
                decision = AssistantVote.decide(answers, draft);
            }
            if (decision.agreed()) {
                Metrics.counter("toolace.dialog.votes", "result", "agreed").increment();
                return End.at(TurnReplyProcessor.apply(draft, decision.winner(),
                        (TurnResult) decision.winner().getResult()));
            }
            if (ballot.round() >= voteRetries) {
                Metrics.counter("toolace.dialog.votes", "result", "dropped").increment();
                return new End(draft, TurnReplyProcessor.VOTE_DISAGREED,
                        TurnReplyProcessor.disagreement(decision, ballot));
            }
            Metrics.counter("toolace.dialog.votes", "result", "retried").increment();
            ballot = ballot.next();
        }
    }

    private LlmRequest request(final AgentTask task, final DialogDraft draft, final int sampleIndex, final long nowMs) {
        return LlmRequests.of(task, replyTopic, draft.getId(), draft.getStep(), sampleIndex, TurnStage.STAGE, draft,
                nowMs);
    }
}

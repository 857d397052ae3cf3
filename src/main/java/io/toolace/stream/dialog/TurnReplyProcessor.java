package io.toolace.stream.dialog;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
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
 * waits for is dropped, so each step is taken once.
 */
final class TurnReplyProcessor implements Processor<String, LlmReply, String, Object> {

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Integer> steps;

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.steps = context.getStateStore(TurnStage.STEPS_STORE);
    }

    @Override
    public void process(final Record<String, LlmReply> record) {
        final LlmReply reply = record.value();
        if (reply == null) {
            return;
        }
        final LlmRequest request = reply.getRequest();
        final Integer waitingFor = steps.get(request.getCorrelationId());
        if (waitingFor == null || waitingFor != request.getStep()) {
            Metrics.counter("toolace.dialog.replies.duplicate").increment();
            return;
        }
        final DialogDraft draft = (DialogDraft) request.getPayload();
        try {
            steps.put(draft.getId(), request.getStep() + 1);
            final String problem = problem(reply, draft);
            if (problem != null) {
                steps.delete(draft.getId());
                DraftEnds.reject(context, record, draft, reply.getError() != null ? "LLM_ERROR" : "AGENT_BAD_ANSWER",
                        problem);
                return;
            }
            final DialogDraft next = apply(draft, reply, (TurnResult) reply.getResult());
            context.forward(record.withKey(next.getId()).withValue(next), TurnStage.DRAFTS_SINK);
        } catch (final RuntimeException e) {
            DraftEnds.deadLetter(context, record, draft, e);
            throw e;
        }
    }

    /** Why the reply cannot be applied, or null when it can. */
    private static String problem(final LlmReply reply, final DialogDraft draft) {
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
        return DialogDraft.newBuilder(draft)
                .setTurns(turns)
                .setFaults(faults)
                .setNext(next)
                .setStep(draft.getStep() + 1)
                .setLineage(Samples.withAgent(draft.getLineage(), reply))
                .build();
    }
}

package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.records.Agent;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import java.util.List;

/**
 * The turn sequence of one user request for each dialog type. All requests of a dialog follow its
 * type, so a draft's position (which request, which step of it) follows from its turn count alone;
 * the agents need no state beyond the draft.
 */
final class DialogScript {

    /** One agent action within a request. */
    enum Step {
        REQUEST(Agent.USER), SUPPLY(Agent.USER), ASK(Agent.ASSISTANT), CALL(Agent.ASSISTANT),
        RESULT(Agent.TOOL), ANSWER(Agent.ASSISTANT);

        final Agent agent;

        Step(final Agent agent) {
            this.agent = agent;
        }
    }

    private static final List<Step> TOOL_USE = List.of(Step.REQUEST, Step.CALL, Step.RESULT, Step.ANSWER);
    private static final List<Step> DEPENDENT = List.of(Step.REQUEST, Step.CALL, Step.RESULT, Step.CALL,
            Step.RESULT, Step.ANSWER);
    private static final List<Step> CLARIFY = List.of(Step.REQUEST, Step.ASK, Step.SUPPLY, Step.CALL,
            Step.RESULT, Step.ANSWER);
    private static final List<Step> NON_TOOL = List.of(Step.REQUEST, Step.ANSWER);

    /**
     * Where a draft stands.
     *
     * @param request the 0-based user request the next turn belongs to
     * @param start index of that request's first turn in the draft
     * @param callStep for CALL and RESULT, which call turn of the request (0, or 1 for a dependent second step)
     * @param lastCall whether this CALL or RESULT belongs to the request's last call turn
     */
    record Position(int request, int start, Step step, int callStep, boolean lastCall, boolean lastRequest) {}

    private DialogScript() {}

    static List<Step> of(final DialogType type) {
        switch (type) {
            case DEPENDENT: return DEPENDENT;
            case CLARIFY: return CLARIFY;
            case NON_TOOL: return NON_TOOL;
            default: return TOOL_USE;
        }
    }

    /**
     * The position of the draft's next turn, checked against the agent asked to produce it, so a
     * draft that strayed from the script (a different backend, a lost turn) fails with a clear error.
     */
    static Position locate(final DialogDraft draft, final Agent agent) {
        if (draft.getTargetTurns() < 1) {
            throw new IllegalArgumentException("dialog " + draft.getId() + " has targetTurns "
                    + draft.getTargetTurns() + "; it must ask at least one request");
        }
        final List<Step> script = of(draft.getDialogType());
        final int turns = draft.getTurns().size();
        final int request = turns / script.size();
        final int offset = turns % script.size();
        if (request >= draft.getTargetTurns()) {
            throw new IllegalStateException("dialog " + draft.getId() + " already answered its "
                    + draft.getTargetTurns() + " requests in " + turns + " turns; no " + agent + " turn is due");
        }
        final Step step = script.get(offset);
        if (step.agent != agent || draft.getNext() != agent) {
            throw new IllegalStateException("dialog " + draft.getId() + " (" + draft.getDialogType() + ", "
                    + turns + " turns, next " + draft.getNext() + ") expects a " + step.agent + " turn ("
                    + step + "), not a " + agent + " turn");
        }
        int callStep = 0;
        for (int i = 0; i < offset; i++) {
            if (script.get(i) == Step.CALL) {
                callStep++;
            }
        }
        if (step == Step.RESULT) {
            callStep--; // a result answers the call turn just before it
        }
        boolean lastCall = true;
        for (int i = offset + 1; i < script.size(); i++) {
            lastCall &= script.get(i) != Step.CALL;
        }
        return new Position(request, turns - offset, step, callStep, lastCall,
                request == draft.getTargetTurns() - 1);
    }
}

package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The turn sequence of one user request for each dialog type. Each request's type follows from the
 * dialog id ({@link #typeOf}), so a draft's position (which request, which step of it) follows from
 * its turn count alone; the agents need no state beyond the draft.
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
     * @param previousStart index of the previous request's first turn, -1 for the first request
     * @param callStep for CALL and RESULT, which call turn of the request (0, or 1 for a dependent second step)
     * @param lastCall whether this CALL or RESULT belongs to the request's last call turn
     */
    record Position(int request, int start, int previousStart, Step step, int callStep, boolean lastCall,
            boolean lastRequest) {}

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
    static Position locate(final DialogDraft draft, final Agent agent, final double mixedShare) {
        if (draft.getTargetTurns() < 1) {
            throw new IllegalArgumentException("dialog " + draft.getId() + " has targetTurns "
                    + draft.getTargetTurns() + "; it must ask at least one request");
        }
        final int turns = draft.getTurns().size();
        int request = 0;
        int start = 0;
        int previousStart = -1;
        List<Step> script = of(typeOf(draft, 0, mixedShare));
        while (turns - start >= script.size()) {
            previousStart = start;
            start += script.size();
            request++;
            script = of(typeOf(draft, request, mixedShare));
        }
        final int offset = turns - start;
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
        return new Position(request, start, previousStart, step, callStep, lastCall,
                request == draft.getTargetTurns() - 1);
    }

    /**
     * The type of request {@code request}: the dialog's for the first, and for a later one of a
     * multi-turn dialog, with probability {@code mixedShare}, another, so a conversation moves between
     * a plain call, parallel calls, a clarification and a turn without tools as real ones do. A no-tool
     * dialog stays without tools: its label promises no call. Drawn from the dialog id alone, so every
     * agent and the script agree.
     */
    static DialogType typeOf(final DialogDraft draft, final int request, final double mixedShare) {
        return typeOf(draft.getId(), draft.getDialogType(), request, mixedShare);
    }

    /** As {@link #typeOf(DialogDraft, int, double)}, from the dialog's id and type. */
    static DialogType typeOf(final String dialogId, final DialogType type, final int request, final double mixedShare) {
        if (request == 0 || type == DialogType.NON_TOOL || mixedShare == 0) {
            return type;
        }
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(dialogId, "request-type-" + request));
        if (rnd.nextDouble() >= mixedShare) {
            return type;
        }
        // A dependent request needs two tools that link, which only a dependent dialog was planned for.
        final List<DialogType> others = new ArrayList<>(List.of(DialogType.values()));
        others.remove(type);
        others.remove(DialogType.DEPENDENT);
        return others.get(rnd.nextInt(others.size()));
    }
}

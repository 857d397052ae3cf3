package io.toolace.stream.llm.procedural.sdg;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Applies the dialog protocol of the lead's turn processor, locally: append the turn, set the next agent. */
final class DialogDriver {

    /** Far above the longest script (6 turns x 3 requests): a dialog that gets here loops. */
    static final int STEP_CAP = 40;

    private final DialogAgents agents;

    DialogDriver(final DialogAgents agents) {
        this.agents = agents;
    }

    /** Runs the draft to DONE (or the cap) in place and returns it. */
    DialogDraft run(final DialogDraft draft) {
        while (draft.getNext() != Agent.DONE && draft.getStep() < STEP_CAP) {
            step(draft);
        }
        return draft;
    }

    void step(final DialogDraft draft) {
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(draft.getId(), Integer.toString(draft.getStep())));
        final TurnResult result;
        switch (draft.getNext()) {
            case USER: result = agents.userTurn(draft, rnd); break;
            case ASSISTANT: result = agents.assistantTurn(draft, rnd); break;
            case TOOL: result = agents.toolTurn(draft, rnd); break;
            default: throw new IllegalStateException("dialog is done");
        }
        final List<io.toolace.stream.records.Turn> turns = new ArrayList<>(draft.getTurns());
        turns.add(result.getTurn());
        draft.setTurns(turns);
        final List<String> faults = new ArrayList<>(draft.getFaults());
        faults.addAll(result.getFaults());
        draft.setFaults(faults);
        draft.setStep(draft.getStep() + 1);
        draft.setNext(next(result));
    }

    private static Agent next(final TurnResult result) {
        switch (result.getTurn().getRole()) {
            case USER: return Agent.ASSISTANT;
            case TOOL: return Agent.ASSISTANT;
            default:
                if (!result.getTurn().getCalls().isEmpty()) {
                    return Agent.TOOL;
                }
                return result.getFinished() ? Agent.DONE : Agent.USER;
        }
    }

    static boolean isCallTurn(final io.toolace.stream.records.Turn t) {
        return t.getRole() == Role.ASSISTANT && !t.getCalls().isEmpty();
    }
}

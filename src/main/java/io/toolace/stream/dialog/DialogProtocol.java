package io.toolace.stream.dialog;

import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.TurnResult;

/**
 * Whose turn is next. User and tool turns always hand over to the assistant; an assistant turn with
 * calls hands over to the tool agent, one without calls back to the user or, when the assistant says
 * the last request is answered, ends the dialog.
 */
public final class DialogProtocol {

    private DialogProtocol() {}

    public static AgentTask taskFor(final Agent agent) {
        switch (agent) {
            case USER: return AgentTask.USER_TURN;
            case ASSISTANT: return AgentTask.ASSISTANT_TURN;
            case TOOL: return AgentTask.TOOL_RESPONSE;
            default: throw new IllegalArgumentException("no agent task for " + agent);
        }
    }

    public static Role roleOf(final Agent agent) {
        switch (agent) {
            case USER: return Role.USER;
            case ASSISTANT: return Role.ASSISTANT;
            case TOOL: return Role.TOOL;
            default: throw new IllegalArgumentException("no role for " + agent);
        }
    }

    public static Agent next(final Agent current, final TurnResult result) {
        switch (current) {
            case USER:
            case TOOL:
                return Agent.ASSISTANT;
            case ASSISTANT:
                if (!result.getTurn().getCalls().isEmpty()) {
                    return Agent.TOOL;
                }
                return result.getFinished() ? Agent.DONE : Agent.USER;
            default:
                throw new IllegalArgumentException("a finished dialog takes no more turns");
        }
    }
}

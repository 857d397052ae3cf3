package io.toolace.stream.format;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a dialog, in no particular file format.
 *
 * <p>An assistant turn carries calls, text, or both (text beside a call list); a tool turn carries
 * the results of the calls of the assistant turn before it, one per call.
 *
 * @param role who speaks
 * @param text the natural-language content; {@code null} when the turn has none (a pure call list,
 *     or a field the source left out)
 * @param calls the function calls of an assistant turn, empty otherwise
 * @param results the results of a tool turn, empty otherwise
 * @param issue what the reader could not understand in this turn, or {@code null}
 */
public record Message(Role role, String text, List<FunctionCall> calls, List<ToolResult> results, TurnIssue issue) {

    public Message {
        Objects.requireNonNull(role, "role");
        calls = List.copyOf(calls);
        results = List.copyOf(results);
    }

    public static Message user(final String text) {
        return new Message(Role.USER, text, List.of(), List.of(), null);
    }

    public static Message assistant(final String text) {
        return new Message(Role.ASSISTANT, text, List.of(), List.of(), null);
    }

    public static Message calls(final List<FunctionCall> calls) {
        return new Message(Role.ASSISTANT, null, calls, List.of(), null);
    }

    public static Message tool(final List<ToolResult> results) {
        return new Message(Role.TOOL, null, List.of(), results, null);
    }

    public Message withIssue(final TurnIssue newIssue) {
        return new Message(role, text, calls, results, newIssue);
    }

    /** True for an assistant turn that calls at least one function. */
    public boolean isCallTurn() {
        return role == Role.ASSISTANT && !calls.isEmpty();
    }
}

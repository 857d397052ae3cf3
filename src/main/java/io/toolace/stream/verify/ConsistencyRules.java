package io.toolace.stream.verify;

import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.TurnIssue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sample consistency: turns in a valid order, each tool turn answering the calls before it with one
 * result per call under the called names, and assistant turns in the form the prompt demands.
 *
 * <p>The order is: user, then assistant; an assistant turn with calls is followed by a tool turn,
 * one without by a user turn; a tool turn is followed by an assistant turn. System turns may appear
 * anywhere and are skipped.
 */
final class ConsistencyRules {

    private ConsistencyRules() {}

    /**
     * The kind of the previous non-system turn, which decides what may come next. After a turn out
     * of order the next turn may be anything ({@code RESYNC}), so one stray turn is one failure, not
     * a cascade.
     */
    private enum Step { START, USER, ASSISTANT_TEXT, ASSISTANT_CALLS, TOOL, RESYNC }

    static void check(final List<Message> messages, final boolean callsOnly, final Findings findings) {
        Step previous = Step.START;
        Message previousMessage = null;
        for (int turn = 0; turn < messages.size(); turn++) {
            final Message message = messages.get(turn);
            if (message.role() == Role.SYSTEM) {
                continue;
            }
            final Step step = step(message);
            final boolean inOrder = allowed(previous, step);
            if (!inOrder) {
                findings.add(Rule.CONSIST_ROLE_ORDER, turn, describe(step) + " turn after "
                        + (previous == Step.START ? "the start" : describe(previous) + " turn") + "; expected " + expectedAfter(previous));
            } else if (step == Step.TOOL && previous == Step.ASSISTANT_CALLS && message.issue() == null && previousMessage.issue() == null) {
                checkResults(previousMessage.calls(), message.results(), turn, findings);
            }
            // A turn the reader could not read is reported for that alone.
            if (callsOnly && step == Step.ASSISTANT_CALLS && message.issue() == null && message.text() != null && !message.text().isBlank()) {
                findings.add(Rule.CONSIST_FORMAT_VIOLATION, turn, "text beside the call list, where the system prompt demands calls only");
            }
            previous = inOrder ? step : Step.RESYNC;
            previousMessage = message;
        }
    }

    private static Step step(final Message message) {
        return switch (message.role()) {
            case USER -> Step.USER;
            case TOOL -> Step.TOOL;
            // A call list that failed to parse was still meant as calls.
            default -> message.calls().isEmpty() && !isBrokenCallList(message) ? Step.ASSISTANT_TEXT : Step.ASSISTANT_CALLS;
        };
    }

    private static boolean isBrokenCallList(final Message message) {
        return message.issue() != null && message.issue().kind() == TurnIssue.Kind.CALL_SYNTAX;
    }

    private static boolean allowed(final Step previous, final Step next) {
        return switch (previous) {
            case START, ASSISTANT_TEXT -> next == Step.USER;
            case USER, TOOL -> next == Step.ASSISTANT_TEXT || next == Step.ASSISTANT_CALLS;
            case ASSISTANT_CALLS -> next == Step.TOOL;
            case RESYNC -> true;
        };
    }

    /** What may follow a turn, for messages. */
    private static String expectedAfter(final Step previous) {
        return switch (previous) {
            case START, ASSISTANT_TEXT -> "a user turn";
            case USER, TOOL -> "an assistant turn";
            case ASSISTANT_CALLS -> "a tool turn with the call results";
            case RESYNC -> throw new IllegalStateException("every turn may follow an out-of-order turn");
        };
    }

    private static String describe(final Step step) {
        return switch (step) {
            case START -> "the start";
            case USER -> "a user";
            case ASSISTANT_TEXT -> "an assistant text";
            case ASSISTANT_CALLS -> "an assistant call";
            case TOOL -> "a tool";
            case RESYNC -> throw new IllegalStateException("every turn may follow an out-of-order turn");
        };
    }

    private static void checkResults(final List<FunctionCall> calls, final List<ToolResult> results, final int turn,
            final Findings findings) {
        // An empty tool turn is also reported as such by the dialog rules; here it is what it means to the
        // calls before it, none of which got a result.
        if (results.size() != calls.size()) {
            findings.add(Rule.CONSIST_RESPONSE_COUNT, turn, results.size() + " result" + (results.size() == 1 ? "" : "s")
                    + " for " + calls.size() + " call" + (calls.size() == 1 ? "" : "s"));
        }
        if (results.isEmpty() || !findings.on(Rule.CONSIST_TOOL_NAME_MISMATCH)) {
            return;
        }
        // How many calls of each name are still unanswered; a result takes one of its name.
        final Map<String, Integer> open = new LinkedHashMap<>(calls.size() * 2);
        for (final FunctionCall call : calls) {
            if (call.name() == null) {
                // A nameless call is reported as a missing field; what it answers is unknowable.
                return;
            }
            open.merge(call.name(), 1, Integer::sum);
        }
        final Set<String> called = new LinkedHashSet<>(open.keySet());
        // With as many results as calls, each call needs its own result: two results under one name
        // leave another call unanswered. With a different count the count rule speaks, and only names
        // that were never called are a mismatch.
        final boolean oneEach = results.size() == calls.size();
        List<String> strangers = null;
        for (final ToolResult result : results) {
            if (result.name() == null) {
                continue;
            }
            final Integer left = open.get(result.name());
            if (left == null || (oneEach && left == 0)) {
                if (strangers == null) {
                    strangers = new ArrayList<>(1);
                }
                strangers.add(result.name());
            } else if (left > 0) {
                open.put(result.name(), left - 1);
            }
        }
        if (strangers != null) {
            final List<String> unanswered = new ArrayList<>();
            open.forEach((name, left) -> {
                if (left > 0) {
                    unanswered.add(name);
                }
            });
            findings.add(Rule.CONSIST_TOOL_NAME_MISMATCH, turn, "results for " + quote(strangers) + " answer no call"
                    + (oneEach && !unanswered.isEmpty() ? " (unanswered: " + quote(unanswered) + ")" : "")
                    + "; called: " + quote(called));
        }
    }

    private static String quote(final Iterable<String> names) {
        final StringBuilder out = new StringBuilder();
        for (final String name : names) {
            out.append(out.length() == 0 ? "" : ", ").append('\'').append(name).append('\'');
        }
        return out.toString();
    }
}

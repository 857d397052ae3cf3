package io.toolace.stream.llm.openai;

import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import java.util.List;
import java.util.Locale;

/**
 * How far a dialog has come, read from its turns alone, so every backend's turns count the same: an
 * assistant message without calls either answers a request or, when its formalized thinking says
 * {@code need_tool: yes}, asks the user for something a call still needs.
 *
 * @param answered user requests the assistant has answered
 * @param awaitingInfo whether the last turn is the assistant asking the user for information
 */
record DialogProgress(int answered, boolean awaitingInfo) {

    static final String NEED_TOOL_YES = "need_tool: yes";
    static final String NEED_TOOL_NO = "need_tool: no";

    static DialogProgress of(final List<Turn> turns) {
        int answered = 0;
        boolean asking = false;
        for (final Turn turn : turns) {
            asking = isQuestion(turn);
            if (turn.getRole() == Role.ASSISTANT && turn.getCalls().isEmpty() && !asking) {
                answered++;
            }
        }
        return new DialogProgress(answered, asking);
    }

    /** An assistant message without calls that still needs a tool: it asks for a missing value. */
    static boolean isQuestion(final Turn turn) {
        return turn.getRole() == Role.ASSISTANT && turn.getCalls().isEmpty() && needsTool(turn.getThinking());
    }

    static boolean needsTool(final List<String> thinking) {
        return thinking.stream().anyMatch(line -> normalised(line).equals(NEED_TOOL_YES));
    }

    static boolean needsNoTool(final List<String> thinking) {
        return thinking.stream().anyMatch(line -> normalised(line).equals(NEED_TOOL_NO));
    }

    private static String normalised(final String line) {
        return line.strip().toLowerCase(Locale.ROOT).replaceAll("\\s*:\\s*", ": ");
    }
}

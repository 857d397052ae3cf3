package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.format.Json;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What each dialog type promises, checked on a finished sample as a dataset user would: from the
 * turns alone, without the agents' own labels.
 */
public final class DialogPromises {

    private DialogPromises() {}

    public static void assertKept(final Sample sample, final Set<String> poolNames) {
        final List<Turn> turns = sample.getTurns();
        for (final Turn turn : turns) {
            for (final FunctionCall call : turn.getCalls()) {
                assertThat(poolNames).as("API called in %s", sample.getId()).contains(call.getName());
            }
        }
        switch (sample.getDialogType()) {
            case PARALLEL:
                assertThat(turns).as("parallel %s", sample.getId()).anyMatch(t -> t.getCalls().size() > 1);
                break;
            case DEPENDENT:
                assertThat(usesAnEarlierResult(turns)).as("dependent %s takes a value from an earlier result: %s",
                        sample.getId(), turns).isTrue();
                break;
            case NON_TOOL:
                assertThat(turns).as("non-tool %s", sample.getId()).allMatch(t -> t.getCalls().isEmpty());
                break;
            case CLARIFY:
                final int firstCall = firstCallTurn(turns);
                assertThat(firstCall).as("clarify %s calls", sample.getId()).isPositive();
                final List<Turn> before = turns.subList(0, firstCall);
                final int ask = lastIndexOf(before, Role.ASSISTANT);
                assertThat(ask).as("clarify %s asks before calling", sample.getId()).isGreaterThan(0);
                assertThat(before.get(ask).getText()).contains("?");
                assertThat(before.subList(ask + 1, before.size())).as("clarify %s: the user answers", sample.getId())
                        .anyMatch(t -> t.getRole() == Role.USER);
                break;
            default:
                assertThat(firstCallTurn(turns)).as("single %s calls", sample.getId()).isPositive();
        }
    }

    private static boolean usesAnEarlierResult(final List<Turn> turns) {
        final Set<JsonNode> seen = new HashSet<>();
        for (final Turn turn : turns) {
            for (final FunctionCall call : turn.getCalls()) {
                if (leaves(Json.parseOrNull(call.getArguments())).stream().anyMatch(seen::contains)) {
                    return true;
                }
            }
            for (final ToolResult result : turn.getResults()) {
                seen.addAll(leaves(Json.parseOrNull(result.getResults())));
            }
        }
        return false;
    }

    /** The string and number values of a JSON tree; a boolean carries too little to show a dependency. */
    private static Set<JsonNode> leaves(final JsonNode node) {
        final Set<JsonNode> leaves = new HashSet<>();
        collect(node, leaves);
        return leaves;
    }

    private static void collect(final JsonNode node, final Set<JsonNode> into) {
        if (node == null) {
            return;
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collect(child, into));
        } else if (node.isTextual() && !node.textValue().isEmpty() || node.isNumber()) {
            into.add(node);
        }
    }

    private static int firstCallTurn(final List<Turn> turns) {
        for (int i = 0; i < turns.size(); i++) {
            if (!turns.get(i).getCalls().isEmpty()) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(final List<Turn> turns, final Role role) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).getRole() == role) {
                return i;
            }
        }
        return -1;
    }
}

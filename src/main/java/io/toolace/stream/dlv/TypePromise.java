package io.toolace.stream.dlv;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.format.Json;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a sample keeps the promise of the dialog type it is labelled with, read from its turns
 * alone as a dataset user would: parallel calls in one turn, a dependent call that uses a value of an
 * earlier result, a clarifying question the user answers before the call, no call in a non-tool
 * dialog. The planner picks the type, but an LLM agent may write a dialog of another type; a sample
 * whose label lies would teach the wrong thing, and skew the type mix the run reports.
 */
public final class TypePromise {

    public static final String RULE = "DIALOG_TYPE_UNKEPT";

    private TypePromise() {}

    /** A failed verdict saying how the sample breaks its type's promise, or null when it keeps it. */
    public static Verdict broken(final Sample sample) {
        final String problem = problem(sample.getTurns(), sample);
        return problem == null ? null : Samples.failure(RULE, Layer.PIPELINE, -1,
                sample.getDialogType() + " dialog " + problem);
    }

    private static String problem(final List<Turn> turns, final Sample sample) {
        switch (sample.getDialogType()) {
            case PARALLEL:
                return turns.stream().anyMatch(t -> t.getCalls().size() > 1) ? null
                        : "has no assistant turn with parallel calls";
            case DEPENDENT:
                return usesAnEarlierResult(turns) ? null : "has no call that uses a value of an earlier tool result";
            case NON_TOOL:
                return turns.stream().allMatch(t -> t.getCalls().isEmpty()) ? null : "calls a tool";
            case CLARIFY:
                return clarifyProblem(turns);
            default:
                return firstCallTurn(turns) > 0 ? null : "calls no tool";
        }
    }

    private static String clarifyProblem(final List<Turn> turns) {
        final int firstCall = firstCallTurn(turns);
        if (firstCall <= 0) {
            return "calls no tool";
        }
        final List<Turn> before = turns.subList(0, firstCall);
        final int ask = lastIndexOf(before, Role.ASSISTANT);
        if (ask <= 0 || before.get(ask).getText() == null || !before.get(ask).getText().contains("?")) {
            return "has no assistant question before its first call";
        }
        return before.subList(ask + 1, before.size()).stream().anyMatch(t -> t.getRole() == Role.USER) ? null
                : "has no user answer between the question and the call";
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

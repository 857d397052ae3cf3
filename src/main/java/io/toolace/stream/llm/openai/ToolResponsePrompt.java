package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TOOL_RESPONSE (SDG tool agent): the prompt that simulates the execution of the calls of the
 * draft's last assistant turn, following each API's response schema and consistent with earlier
 * results (nothing is executed), and the parser of its answer
 * {@code {"results": [{"name": "...", "results": {...}}]}}: one result per call, in call order,
 * each named after its call, each a JSON object or array kept as compact JSON text.
 */
public final class ToolResponsePrompt {

    private final PromptTemplate template;

    public ToolResponsePrompt(final String promptVersion) {
        this.template = PromptTemplate.load(promptVersion, "tool_response");
    }

    /**
     * @throws IllegalArgumentException when the last turn is not an assistant turn with calls: there
     *     is nothing to execute
     */
    public List<ChatMessage> messages(final DialogDraft draft) {
        final List<FunctionCall> calls = pendingCalls(draft);
        final List<ApiDefinition> called = new ArrayList<>();
        for (final ApiDefinition api : draft.getTools()) {
            if (calls.stream().anyMatch(c -> c.getName().equals(api.getName()))) {
                called.add(api);
            }
        }
        final StringBuilder listed = new StringBuilder();
        for (int i = 0; i < calls.size(); i++) {
            listed.append(i == 0 ? "" : "\n").append(i + 1).append(". ").append(calls.get(i).getName())
                    .append('(').append(calls.get(i).getArguments()).append(')');
        }
        final List<Turn> earlier = draft.getTurns().subList(0, draft.getTurns().size() - 1);
        final Map<String, String> values = new HashMap<>();
        values.put("tools", Transcript.tools(called, true));
        values.put("dialog", Transcript.turns(earlier, false));
        values.put("calls", listed.toString());
        values.put("call_count", Integer.toString(calls.size()));
        return template.messages(values);
    }

    /**
     * The tool's turn.
     *
     * @throws AnswerRejected when the results do not answer the calls one by one, in order, or a
     *     result is not a JSON object or array
     */
    public TurnResult parse(final ObjectNode answer, final DialogDraft draft) throws AnswerRejected {
        final List<FunctionCall> calls = pendingCalls(draft);
        final ArrayNode results = JsonAnswers.array(answer, "", "results", true);
        if (results.size() != calls.size()) {
            throw new AnswerRejected("answer has " + results.size() + " results for " + calls.size() + " calls ("
                    + calls.stream().map(FunctionCall::getName).toList() + ")");
        }
        final List<ToolResult> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            final String path = "results[" + i + "]";
            final ObjectNode result = JsonAnswers.element(results, "results", i);
            final String name = JsonAnswers.text(result, path, "name", true);
            final String expected = calls.get(i).getName();
            if (!name.equals(expected)) {
                throw new AnswerRejected("'" + path + ".name' is " + name + " but call " + i + " is " + expected
                        + " (results follow the calls in order)");
            }
            final JsonNode value = result.get("results");
            if (value == null || value.isNull()) {
                throw new AnswerRejected("missing field '" + path + ".results'");
            }
            if (!value.isContainerNode()) {
                throw new AnswerRejected("field '" + path + ".results' is not a JSON object or array (got "
                        + value.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
            }
            out.add(new ToolResult(name, Transcript.compact(value)));
        }
        return new TurnResult(new Turn(Role.TOOL, null, List.of(), out, List.of()), List.of(), false);
    }

    private static List<FunctionCall> pendingCalls(final DialogDraft draft) {
        final List<Turn> turns = draft.getTurns();
        final Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last == null || last.getRole() != Role.ASSISTANT || last.getCalls().isEmpty()) {
            throw new IllegalArgumentException("dialog " + draft.getId() + ": a tool turn must follow an assistant"
                    + " turn with calls, but the last turn is " + (last == null ? "none" : last.getRole()
                    + (last.getRole() == Role.ASSISTANT ? " without calls" : "")));
        }
        return last.getCalls();
    }
}

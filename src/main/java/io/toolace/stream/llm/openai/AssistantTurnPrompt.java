package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ASSISTANT_TURN (SDG assistant agent): the prompt that plays the assistant with formalized
 * thinking (need a tool? which API? where does each required and optional value come from?), and
 * the parser of its answer
 * {@code {"thinking": [...], "calls": [{"name", "arguments"}], "text": "...", "finished": bool}}.
 *
 * <p>A turn is rejected when it calls a tool the draft does not offer, when arguments are not a
 * JSON object, when it has neither calls nor text, or when its thinking lacks the
 * {@code need_tool} decision or contradicts its calls. Arguments are kept as compact JSON text, so
 * the N samples of one action compare equal when the calls agree.
 */
public final class AssistantTurnPrompt {

    private final PromptTemplate template;

    public AssistantTurnPrompt(final String promptVersion) {
        this.template = PromptTemplate.load(promptVersion, "assistant_turn")
                .requireSections(UserTurnPrompt.TYPE, UserTurnPrompt.DIALOG_TYPES);
    }

    public List<ChatMessage> messages(final DialogDraft draft) {
        if (draft.getTurns().isEmpty()) {
            throw new IllegalArgumentException("dialog " + draft.getId() + " has no turn yet; the user speaks first");
        }
        final DialogProgress progress = DialogProgress.of(draft.getTurns());
        final Map<String, String> values = new HashMap<>();
        values.put("tools", Transcript.tools(draft.getTools(), false));
        values.put("dialog", Transcript.turns(draft.getTurns(), false));
        values.put("dialog_type", draft.getDialogType().name());
        values.put("dialog_type_rules", template.render(UserTurnPrompt.TYPE + draft.getDialogType().name(), Map.of()));
        values.put("target", Integer.toString(draft.getTargetTurns()));
        values.put("answered", Integer.toString(progress.answered()));
        values.put("request_number", Integer.toString(progress.answered() + 1));
        return template.messages(values);
    }

    /**
     * The assistant's turn. {@code finished} is true for a turn without calls that the model marks
     * finished, or that answers the draft's last planned request: small models forget the flag, and
     * the dialog would then run past its target.
     *
     * @throws AnswerRejected when a field is missing or of the wrong type, a call names an unknown
     *     tool, or the turn says nothing
     */
    public TurnResult parse(final ObjectNode answer, final DialogDraft draft) throws AnswerRejected {
        final List<String> thinking = new ArrayList<>();
        final ArrayNode lines = JsonAnswers.array(answer, "", "thinking", true);
        for (int i = 0; i < lines.size(); i++) {
            final JsonNode line = lines.get(i);
            if (!line.isTextual()) {
                throw new AnswerRejected("'thinking[" + i + "]' is not a string (got "
                        + line.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
            }
            if (!line.asText().isBlank()) {
                thinking.add(line.asText().strip());
            }
        }
        final boolean needTool = DialogProgress.needsTool(thinking);
        if (!needTool && !DialogProgress.needsNoTool(thinking)) {
            throw new AnswerRejected("thinking has no '" + DialogProgress.NEED_TOOL_YES + "' or '"
                    + DialogProgress.NEED_TOOL_NO + "' line");
        }
        final List<FunctionCall> calls = calls(JsonAnswers.array(answer, "", "calls", false), draft.getTools());
        if (!needTool && !calls.isEmpty()) {
            throw new AnswerRejected("thinking says '" + DialogProgress.NEED_TOOL_NO + "' but the turn calls "
                    + calls.get(0).getName());
        }
        final String text = JsonAnswers.text(answer, "", "text", false);
        if (calls.isEmpty() && text.isEmpty()) {
            throw new AnswerRejected("turn has neither calls nor text");
        }
        final Turn turn = new Turn(Role.ASSISTANT, text.isEmpty() ? null : text, calls, List.of(), thinking);
        final boolean lastRequest = DialogProgress.of(draft.getTurns()).answered() + 1 >= draft.getTargetTurns();
        final boolean finished = calls.isEmpty()
                && (JsonAnswers.bool(answer, "", "finished", false, false) || lastRequest && !needTool);
        return new TurnResult(turn, List.of(), finished);
    }

    private static List<FunctionCall> calls(final ArrayNode calls, final List<ApiDefinition> tools)
            throws AnswerRejected {
        final List<FunctionCall> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            final String path = "calls[" + i + "]";
            final ObjectNode call = JsonAnswers.element(calls, "calls", i);
            final String name = JsonAnswers.text(call, path, "name", true);
            if (tools.stream().noneMatch(api -> api.getName().equals(name))) {
                throw new AnswerRejected("calls unknown tool " + name + " (tools: "
                        + tools.stream().map(ApiDefinition::getName).toList() + ")");
            }
            out.add(new FunctionCall(name, Transcript.compact(JsonAnswers.object(call, path, "arguments", true))));
        }
        return out;
    }
}

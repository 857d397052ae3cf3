package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * USER_TURN (SDG user agent): the prompt that plays the user of a draft, who makes requests in the
 * style the planner chose, shaped by the dialog type (one call, parallel calls, dependent calls, no
 * tool, or a request missing a value), and supplies information the assistant asked for; and the
 * parser of its answer {@code {"text": "..."}}.
 */
public final class UserTurnPrompt {

    /** Sections named {@code type:<DialogType>} explain what a request of that type asks for. */
    static final String TYPE = "type:";
    static final List<String> DIALOG_TYPES = Arrays.stream(DialogType.values()).map(DialogType::name).toList();

    private final PromptTemplate template;

    public UserTurnPrompt(final String promptVersion) {
        this.template = PromptTemplate.load(promptVersion, "user_turn").requireSections(TYPE, DIALOG_TYPES);
    }

    public List<ChatMessage> messages(final DialogDraft draft) {
        final DialogProgress progress = DialogProgress.of(draft.getTurns());
        final Map<String, String> values = new HashMap<>();
        values.put("tools", Transcript.tools(draft.getTools(), false));
        values.put("dialog", Transcript.turns(draft.getTurns(), true));
        values.put("dialog_type", draft.getDialogType().name());
        values.put("dialog_type_rules", template.render(TYPE + draft.getDialogType().name(), Map.of()));
        values.put("target", Integer.toString(draft.getTargetTurns()));
        values.put("answered", Integer.toString(progress.answered()));
        values.put("instruction", instruction(draft));
        values.put("complexity", String.format(Locale.ROOT, "%.2f", draft.getComplexity()));
        final String situation = draft.getTurns().isEmpty() ? "situation:first"
                : progress.awaitingInfo() ? "situation:supply" : "situation:next";
        values.put("situation", template.render(situation, Map.of(
                "request_number", Integer.toString(progress.answered() + 1),
                "target", Integer.toString(draft.getTargetTurns()))));
        return template.messages(values);
    }

    /**
     * The user's turn.
     *
     * @throws AnswerRejected when the text is missing or blank
     */
    public TurnResult parse(final ObjectNode answer) throws AnswerRejected {
        final String text = JsonAnswers.text(answer, "", "text", true);
        if (text.isEmpty()) {
            throw new AnswerRejected("field 'text' is empty");
        }
        return new TurnResult(new Turn(Role.USER, text, List.of(), List.of(), List.of()), List.of(), false);
    }

    private static String instruction(final DialogDraft draft) {
        final String instruction = draft.getUserInstruction();
        return instruction == null || instruction.isBlank() ? "No particular style: write naturally." : instruction.strip();
    }
}

package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.llm.procedural.sdg.ProceduralJudges;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Sample;
import java.util.List;
import java.util.Map;

/**
 * One expert question of the model layer of Dual-Layer Verification (DLV): hallucinated argument
 * values, consistency of the responses with the task, tool responses that do not fit their API, or
 * repetitive and meaningless output. The prompt shows the finished sample with numbered turns; the
 * parser reads {@code {"passed": bool, "turn": int, "reason": "..."}} into a {@link JudgeResult}
 * under the same rule id the procedural judge reports, so verdicts do not depend on the backend.
 *
 * <p>A failing verdict must give a reason; a turn outside the dialog is rejected rather than
 * pointing the reviewer at nothing. A passing verdict has no turn.
 */
public final class JudgePrompt {

    private static final Map<AgentTask, String> TEMPLATES = Map.of(
            AgentTask.JUDGE_HALLUCINATION, "judge_hallucination",
            AgentTask.JUDGE_CONSISTENCY, "judge_consistency",
            AgentTask.JUDGE_TOOL_RESPONSE, "judge_tool_response",
            AgentTask.JUDGE_REPETITIVE, "judge_repetitive");
    private static final Map<AgentTask, String> RULES = Map.of(
            AgentTask.JUDGE_HALLUCINATION, ProceduralJudges.HALLUCINATION,
            AgentTask.JUDGE_CONSISTENCY, ProceduralJudges.INCONSISTENT,
            AgentTask.JUDGE_TOOL_RESPONSE, ProceduralJudges.TOOL_RESPONSE_MISMATCH,
            AgentTask.JUDGE_REPETITIVE, ProceduralJudges.REPETITIVE);

    private final PromptTemplate template;
    private final String rule;

    /**
     * @throws IllegalArgumentException when {@code task} is not a judge
     */
    public JudgePrompt(final String promptVersion, final AgentTask task) {
        if (!TEMPLATES.containsKey(task)) {
            throw new IllegalArgumentException("not a judge task: " + task);
        }
        this.template = PromptTemplate.load(promptVersion, TEMPLATES.get(task));
        this.rule = RULES.get(task);
    }

    /** The model-layer rule id this judge's verdicts carry, e.g. {@code MODEL_HALLUCINATION}. */
    public String rule() {
        return rule;
    }

    public List<ChatMessage> messages(final Sample sample) {
        return template.messages(Map.of(
                "system", sample.getSystem() == null || sample.getSystem().isBlank() ? "(none)" : sample.getSystem(),
                "tools", Transcript.tools(sample.getTools(), true),
                "dialog", Transcript.turns(sample.getTurns(), false),
                "dialog_type", sample.getDialogType().name(),
                "last_turn", Integer.toString(sample.getTurns().size() - 1)));
    }

    /**
     * The verdict.
     *
     * @throws AnswerRejected when {@code passed} is missing or not a boolean, or a failure has no
     *     reason or names a turn the dialog does not have
     */
    public JudgeResult parse(final ObjectNode answer, final Sample sample) throws AnswerRejected {
        final boolean passed = JsonAnswers.bool(answer, "", "passed", true, false);
        final String reason = JsonAnswers.text(answer, "", "reason", false);
        if (passed) {
            return new JudgeResult(rule, true, -1, reason);
        }
        if (reason.isEmpty()) {
            throw new AnswerRejected("verdict fails the sample without a reason");
        }
        final int turn = JsonAnswers.integer(answer, "", "turn", false, -1);
        if (turn < -1 || turn >= sample.getTurns().size()) {
            throw new AnswerRejected("verdict names turn " + turn + ", but the dialog has turns 0 to "
                    + (sample.getTurns().size() - 1));
        }
        return new JudgeResult(rule, false, turn, reason);
    }
}

package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.OutcomeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The join of llm.usage to dialog.outcomes that prices verified dialogs. */
class CostPerSampleTest {

    private static int requests;

    private static LlmCall call(final AgentTask task, final String correlationId, final int prompt, final int completion,
            final boolean cached) {
        return LlmCall.newBuilder().setRequestId("r" + requests++).setCorrelationId(correlationId).setStage("test")
                .setTask(task).setBackend("openai").setModel("sim").setPromptTokens(prompt)
                .setCompletionTokens(completion).setCached(cached).setTimestampMs(0).build();
    }

    private static DialogOutcome outcome(final String dialogId, final String sampleId, final DialogType type,
            final OutcomeStatus status, final String... rules) {
        return DialogOutcome.newBuilder().setDialogId(dialogId).setPlannerPartition(0).setStatus(status)
                .setSampleId(sampleId).setDialogType(type).setRules(List.of(rules)).build();
    }

    /** A dialog's turns under its dialog id, then the four judges under its sample id. */
    private static void dialog(final CostPerSample cost, final String dialogId, final String sampleId, final int turns) {
        for (int i = 0; i < turns; i++) {
            cost.call(call(AgentTask.ASSISTANT_TURN, dialogId, 100, 10, false));
        }
        if (sampleId != null) {
            for (final AgentTask judge : List.of(AgentTask.JUDGE_HALLUCINATION, AgentTask.JUDGE_CONSISTENCY,
                    AgentTask.JUDGE_TOOL_RESPONSE, AgentTask.JUDGE_REPETITIVE)) {
                cost.call(call(judge, sampleId, 200, 5, false));
            }
        }
    }

    private static CostPerSample.Row row(final CostPerSample.Report report, final String type) {
        return report.rows().stream().filter(r -> r.type.equals(type)).findFirst().orElseThrow();
    }

    @Test
    void turnsJoinByDialogIdJudgesBySampleIdAndRejectedDialogsAreChargedToTheirFirstRule() {
        final CostPerSample cost = new CostPerSample();
        dialog(cost, "d1", "s1", 3);
        dialog(cost, "d2", "s2", 5);
        dialog(cost, "d3", "s3", 2);
        dialog(cost, "d4", null, 4);
        cost.outcome(outcome("d1", "s1", DialogType.SINGLE, OutcomeStatus.VERIFIED));
        cost.outcome(outcome("d2", "s2", DialogType.SINGLE, OutcomeStatus.VERIFIED));
        cost.outcome(outcome("d3", "s3", DialogType.SINGLE, OutcomeStatus.REJECTED, "MODEL_HALLUCINATION",
                "MODEL_REPETITIVE"));
        cost.outcome(outcome("d4", "p4", DialogType.PARALLEL, OutcomeStatus.REJECTED, "CALL_UNKNOWN_PARAM"));

        final CostPerSample.Report report = cost.report();

        final CostPerSample.Row single = row(report, "SINGLE");
        assertThat(single.dialogs).isEqualTo(3);
        assertThat(single.verified).isEqualTo(2);
        assertThat(single.spend.calls).isEqualTo(3 + 5 + 2 + 3 * 4);
        assertThat(single.callsPerVerified()).isEqualTo(22 / 2.0);
        assertThat(single.promptTokensPerVerified()).isEqualTo((10 * 100 + 12 * 200) / 2.0);
        assertThat(single.completionTokensPerVerified()).isEqualTo((10 * 10 + 12 * 5) / 2.0);
        assertThat(single.rejectedShare()).isCloseTo(6 / 22.0, within(1e-9));
        assertThat(single.topRules(3)).containsExactly(Map.entry("MODEL_HALLUCINATION", 6L));

        final CostPerSample.Row parallel = row(report, "PARALLEL");
        assertThat(parallel.verified).isZero();
        assertThat(parallel.callsPerVerified()).isNaN();
        assertThat(parallel.rejectedShare()).isEqualTo(1.0);

        final CostPerSample.Row all = report.total();
        assertThat(all.type).isEqualTo("ALL");
        assertThat(all.dialogs).isEqualTo(4);
        assertThat(all.spend.calls).isEqualTo(26);
        assertThat(all.topRules(3)).containsExactly(Map.entry("MODEL_HALLUCINATION", 6L),
                Map.entry("CALL_UNKNOWN_PARAM", 4L));
        assertThat(all.spend.callsByTask).containsEntry("ASSISTANT_TURN", 14L).containsEntry("JUDGE_REPETITIVE", 3L);
        assertThat(report.unattributed()).isZero();
    }

    @Test
    void judgesOfDuplicateContentGoToTheCopyThatWasJudgedPoolAndInFlightCallsAreApart() {
        final CostPerSample cost = new CostPerSample();
        dialog(cost, "d1", "same", 2);
        dialog(cost, "d2", null, 3);
        dialog(cost, "d-in-flight", null, 7);
        cost.call(call(AgentTask.GENERATE_API, "seed-1", 300, 50, false));
        cost.call(call(AgentTask.EXTRACT_DOMAINS, "seed-1", 0, 0, true));
        // The duplicate ends first, as it may when its copy waits for its judges.
        cost.outcome(outcome("d2", "same", DialogType.NON_TOOL, OutcomeStatus.REJECTED, "SAMPLE_DUPLICATE"));
        cost.outcome(outcome("d1", "same", DialogType.NON_TOOL, OutcomeStatus.VERIFIED));

        final CostPerSample.Report report = cost.report();

        final CostPerSample.Row nonTool = row(report, "NON_TOOL");
        assertThat(nonTool.spend.calls).isEqualTo(2 + 4 + 3);
        assertThat(nonTool.rejectedCalls).isEqualTo(3);
        assertThat(nonTool.topRules(3)).containsExactly(Map.entry("SAMPLE_DUPLICATE", 3L));
        assertThat(report.pool().calls).isEqualTo(2);
        assertThat(report.pool().cached).isEqualTo(1);
        assertThat(report.pool().promptTokens).isEqualTo(300);
        assertThat(report.unattributed()).isEqualTo(7);

        final ObjectNode json = report.json(new ObjectMapper());
        assertThat(json.get("inFlightCalls").asLong()).isEqualTo(7);
        assertThat(json.get("poolCalls").asLong()).isEqualTo(2);
        assertThat(json.get("byType")).hasSize(DialogType.values().length + 1);
        assertThat(report.lines()).anySatisfy(line -> assertThat(line).startsWith("  NON_TOOL").contains("9.0")
                .contains("33.3%").contains("SAMPLE_DUPLICATE 33.3%"));
    }
}

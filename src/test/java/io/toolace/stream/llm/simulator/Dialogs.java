package io.toolace.stream.llm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Drives a dialog through a backend agent by agent, the way the turn stage does, without Kafka. */
final class Dialogs {

    private static final int MAX_STEPS = 40;

    private Dialogs() {}

    static DialogDraft draft(final String id, final DialogType type, final int targetTurns,
            final List<ApiDefinition> tools, final List<Turn> turns, final Agent next) {
        return DialogDraft.newBuilder()
                .setId(id)
                .setPlannerPartition(0)
                .setSeq(0)
                .setDialogType(type)
                .setTargetTurns(targetTurns)
                .setComplexity(0.5)
                .setTools(tools)
                .setSystem(ToolSamples.systemPrompt(tools))
                .setUserInstruction("")
                .setTurns(turns)
                .setNext(next)
                .setStep(turns.size())
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    /** The finished dialog; every reply must parse. */
    static Sample run(final LlmBackend backend, final String id, final DialogType type, final int targetTurns,
            final List<ApiDefinition> tools) throws Exception {
        final List<Turn> turns = new ArrayList<>();
        Agent next = Agent.USER;
        for (int step = 0; next != Agent.DONE; step++) {
            assertThat(step).as("dialog %s ends within %d steps: %s", id, MAX_STEPS, turns).isLessThan(MAX_STEPS);
            final DialogDraft draft = draft(id, type, targetTurns, tools, turns, next);
            final TurnResult result = (TurnResult) answer(backend, task(next), draft, step).getResult();
            turns.add(result.getTurn());
            next = switch (result.getTurn().getRole()) {
                case USER, TOOL -> Agent.ASSISTANT;
                case ASSISTANT -> !result.getTurn().getCalls().isEmpty() ? Agent.TOOL
                        : result.getFinished() ? Agent.DONE : Agent.USER;
            };
        }
        return Sample.newBuilder()
                .setId("sample-" + id)
                .setDialogId(id)
                .setPlannerPartition(0)
                .setDialogType(type)
                .setSystem(ToolSamples.systemPrompt(tools))
                .setTools(tools)
                .setTurns(turns)
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    static LlmReply answer(final LlmBackend backend, final AgentTask task, final Object payload, final int step)
            throws Exception {
        final LlmReply reply = backend.answer(LlmRequests.of(task, "replies", "sim-" + task, step, 0, "test", payload, 0))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.getError()).as("%s reply error; raw answer: %s", task, reply.getRaw()).isNull();
        return reply;
    }

    private static AgentTask task(final Agent agent) {
        return switch (agent) {
            case USER -> AgentTask.USER_TURN;
            case ASSISTANT -> AgentTask.ASSISTANT_TURN;
            default -> AgentTask.TOOL_RESPONSE;
        };
    }
}

package io.toolace.stream.kafka.registry;

import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Realistic instances of the generated records, with nested records, arrays, maps, unions and enums set. */
final class TestRecords {

    static {
        // Builders resolve default values through Avro's trusted-class check.
        TrustedClasses.trustNamedTypesOf(LlmRequest.getClassSchema());
    }

    private TestRecords() {}

    static Lineage lineage() {
        return Lineage.newBuilder()
                .setPoolGeneration(2)
                .setPromptVersion("v3")
                .setAgents(Map.of("USER_TURN", "procedural/grammar-1", "ASSISTANT_TURN", "openai/qwen2.5-7b"))
                .setSeedIds(List.of("seed-1", "seed-2"))
                .setCreatedAtMs(1_764_000_000_000L)
                .build();
    }

    static ApiDefinition weatherApi() {
        return ApiDefinition.newBuilder()
                .setId("api-weather")
                .setName("get_weather")
                .setDescription("Current weather for a city")
                .setDomain("Weather")
                .setParameters("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}")
                .setDiversity(List.of("add_constraint"))
                .setExampleId("api-forecast")
                .setLineage(lineage())
                .build();
    }

    static DialogDraft draft(final String id, final int turns) {
        final List<Turn> dialog = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            dialog.add(Turn.newBuilder().setRole(Role.USER).setText("What is the weather in Paris? #" + i).build());
            dialog.add(Turn.newBuilder().setRole(Role.ASSISTANT)
                    .setCalls(List.of(new FunctionCall("get_weather", "{\"city\":\"Paris\"}")))
                    .setThinking(List.of("need a tool: yes", "api: get_weather", "required: city=Paris"))
                    .build());
            dialog.add(Turn.newBuilder().setRole(Role.TOOL)
                    .setResults(List.of(new ToolResult("get_weather", "{\"temp_c\":21}")))
                    .build());
        }
        return DialogDraft.newBuilder()
                .setId(id)
                .setPlannerPartition(3)
                .setSeq(42)
                .setDialogType(DialogType.SINGLE)
                .setTargetTurns(turns)
                .setComplexity(0.7)
                .setTools(List.of(weatherApi()))
                .setSystem("You are a helpful assistant with tools.")
                .setTurns(dialog)
                .setNext(Agent.USER)
                .setStep(turns * 3)
                .setFaults(List.of("hallucinated_argument"))
                .setLineage(lineage())
                .build();
    }

    static SeedDocument seed(final String id) {
        return SeedDocument.newBuilder()
                .setId(id)
                .setTitle("Weather API manual")
                .setKind(SeedKind.MARKDOWN)
                .setText("# Weather\nGET /weather?city=...")
                .setSource("builtin")
                .build();
    }

    static LlmRequest request(final String id, final Object payload) {
        return LlmRequest.newBuilder()
                .setId(id)
                .setTask(AgentTask.USER_TURN)
                .setReplyTopic("dialog.replies")
                .setCorrelationId("draft-" + id)
                .setStep(4)
                .setStage("dialog")
                .setPayload(payload)
                .build();
    }
}

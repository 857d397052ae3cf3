package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.format.Json;
import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.Lineage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ToolSamples#toolSpec} parses an API's schemas once per definition, and never hands out another's; the
 * system prompt made from the kept definitions is the one written afresh. The pool gate's memo, kept by id
 * too, does not either.
 */
class ToolSpecMemoTest {

    private static final String PARAMS = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}";
    private static final String RESPONSE = "{\"type\": \"object\"}";

    @Test
    void theSameDefinitionUnderItsIdIsParsedOnce() {
        final ApiDefinition api = api("memo-1", "Get Weather", PARAMS);
        final ApiDefinition copy = api("memo-1", "Get Weather", new String(PARAMS.toCharArray()));

        assertThat(ToolSamples.toolSpec(copy).parameters()).isSameAs(ToolSamples.toolSpec(api).parameters());
    }

    @Test
    void anIdReusedForOtherContentGetsItsOwnSpec() {
        final String other = "{\"type\": \"object\", \"properties\": {\"town\": {\"type\": \"string\"}}}";
        ToolSamples.toolSpec(api("memo-2", "Get Weather", PARAMS));

        assertThat(ToolSamples.toolSpec(api("memo-2", "Get Weather", other)).parameters()).isEqualTo(Json.parseOrNull(other));
        assertThat(ToolSamples.toolSpec(api("memo-2", "Get Forecast", other)).name()).isEqualTo("Get Forecast");
        assertThat(ToolSamples.toolSpec(api("memo-2", "Get Weather", PARAMS)).parameters()).isEqualTo(Json.parseOrNull(PARAMS));
    }

    @Test
    void theSystemPromptFromKeptDefinitionsIsTheOneWrittenAfresh() {
        final String other = "{\"type\": \"object\", \"properties\": {\"town\": {\"type\": \"string\"}}}";
        final List<ApiDefinition> tools = List.of(api("memo-3", "Get Weather", PARAMS),
                api(null, "Get Forecast", other), api("memo-4", "Get Tides", other));
        final String fresh = ToolDefinitions.toolAcePrompt(ToolSamples.toolSpecs(tools));

        assertThat(ToolSamples.systemPrompt(tools)).isEqualTo(fresh).contains("\"name\": \"Get Forecast\"");
        // and again, from the definitions kept under the ids
        assertThat(ToolSamples.systemPrompt(tools)).isEqualTo(fresh);
        // an id reused for other content is written afresh
        assertThat(ToolSamples.systemPrompt(List.of(api("memo-3", "Get Weather", other))))
                .isEqualTo(ToolDefinitions.toolAcePrompt(
                        List.of(ToolSamples.toolSpec(api(null, "Get Weather", other)))));
    }

    @Test
    void thePoolGateJudgesWhatAnIdDefinesNow() {
        // Given an id the gate passed
        assertThat(DraftProcessor.gateProblem(api("memo-4", "Get Weather", PARAMS))).isEmpty();

        // Then another definition under that id is judged on its own
        assertThat(DraftProcessor.gateProblem(api("memo-4", "Get Weather", "{\"type\": \"object\", \"properties\": "
                + "{\"city\": {\"type\": \"strin\"}}}"))).get().asString().startsWith("API_SCHEMA_INVALID");
        assertThat(DraftProcessor.gateProblem(api("memo-4", "Get Weather", PARAMS))).isEmpty();
    }

    private static ApiDefinition api(final String id, final String name, final String parameters) {
        return new ApiDefinition(id, name, "Weather.", "", "", List.of(), parameters, RESPONSE, ApiOrigin.SYNTHESIZED, 0L,
                List.of(), null, null, new Lineage(0L, "", Map.of(), List.of(), 0L));
    }
}

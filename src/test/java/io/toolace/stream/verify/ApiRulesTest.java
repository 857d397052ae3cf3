package io.toolace.stream.verify;

import static io.toolace.stream.verify.Samples.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.format.ToolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API-definition rules on single definitions, as the API pool calls them. */
class ApiRulesTest {

    private static final String WEATHER_PARAMS = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}";

    @Test
    void aGoodDefinitionPasses() {
        assertThat(ApiRules.check(new ToolSpec("Get Weather", "Forecast.", json(WEATHER_PARAMS), json("{\"type\": \"object\"}")))).isEmpty();
    }

    @Test
    void aToolWithoutParametersTakesNone() {
        assertThat(ApiRules.check(new ToolSpec("ping", "Health check.", null, null))).isEmpty();
    }

    @Test
    void theToolAceDefinitionShapeIsValid() {
        final ToolSpec tool = ToolDefinitions.fromJson(json("""
                {"name": "Get Category Image", "description": "Retrieve a category image.",
                 "parameters": {"type": "dict", "properties": {"slug": {"description": "Slug", "type": "string", "default": "france"}},
                                "required": ["slug"]},
                 "required": null}"""));

        assertThat(ApiRules.check(tool)).isEmpty();
    }

    @Test
    void eachProblemIsReportedUnderItsRule() {
        final ToolSpec bad = new ToolSpec(" padded ", "", json("{\"type\": \"dict\", \"properties\": {\"n\": {\"type\": \"int\", \"enum\": [\"one\"]}}}"),
                json("[]"));

        final List<Failure> failures = ApiRules.check(bad);

        assertThat(failures).extracting(Failure::rule).containsExactly(
                Rule.API_NAME_INVALID.id(), Rule.API_DESCRIPTION_MISSING.id(), Rule.API_SCHEMA_INVALID.id());
        assertThat(failures).allSatisfy(f -> assertThat(f.turn()).isEqualTo(-1));
        assertThat(failures.get(2).message()).contains("enum value string \"one\" is not of the declared type integer")
                .contains("the response schema is list [], expected an object");
    }

    @Test
    void duplicatesAreFoundInAList() {
        final ToolSpec tool = new ToolSpec("Get Weather", "Forecast.", json(WEATHER_PARAMS), null);

        assertThat(ApiRules.check(List.of(tool, tool, tool))).extracting(Failure::rule).containsExactly(Rule.API_DUPLICATE_NAME.id());
        assertThat(ApiRules.check(tool)).isEmpty();
    }

    @Test
    void aLongListOfSchemaProblemsIsSummarised() {
        final StringBuilder properties = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            properties.append(i == 0 ? "" : ", ").append("\"p").append(i).append("\": {\"type\": \"nope\"}");
        }

        final List<Failure> failures = ApiRules.check(new ToolSpec("f", "d", json("{\"type\": \"dict\", \"properties\": {" + properties + "}}"), null));

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.message()).endsWith("; and 3 more"));
    }
}

package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    private static final JsonNode BOOKING = Json.parse("schema", """
            {"type":"dict","properties":{
              "flight_id":{"type":"string","pattern":"^[A-Z]{2}\\\\d{3,4}$"},
              "seats":{"type":"int","minimum":1,"maximum":9},
              "price":{"type":"float","exclusiveMinimum":0},
              "cabin":{"type":"string","enum":["economy","business"]},
              "date":{"type":"string","format":"date"},
              "passengers":{"type":"list","minItems":1,"items":{"type":"dict","properties":{
                 "name":{"type":"string","minLength":2},"age":{"type":"integer"}},"required":["name"]}}},
             "required":["flight_id","seats"],"additionalProperties":false}""");

    @Test
    void aConformingValuePasses() {
        assertThat(SchemaCheck.violations(BOOKING, json("""
                {"flight_id":"LH440","seats":2,"price":120.5,"cabin":"economy","date":"2025-02-28",
                 "passengers":[{"name":"Ann Lee","age":34}]}"""))).isEmpty();
    }

    @Test
    void eachKindOfViolationIsReportedWithItsPath() {
        assertThat(SchemaCheck.violations(BOOKING, json("{\"seats\":2}")))
                .containsExactly("$: the required property flight_id is missing");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":\"2\"}")))
                .singleElement().asString().startsWith("$.seats: expected \"int\"");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"lh440\",\"seats\":10}")))
                .anyMatch(v -> v.contains("does not match")).anyMatch(v -> v.contains("above the maximum 9"));
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"price\":0}")))
                .singleElement().asString().contains("not above the exclusive minimum");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"cabin\":\"first\"}")))
                .singleElement().asString().contains("is not one of");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"date\":\"2025-02-30\"}")))
                .singleElement().asString().contains("not a valid date");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"verbose\":true}")))
                .singleElement().asString().contains("verbose is not declared");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"passengers\":[{\"age\":3}]}")))
                .singleElement().asString().startsWith("$.passengers[0]: the required property name");
        assertThat(SchemaCheck.violations(BOOKING, json("{\"flight_id\":\"LH440\",\"seats\":1,\"passengers\":[]}")))
                .singleElement().asString().contains("fewer than minItems");
    }

    @Test
    void integralNumbersAreIntegersAndNumbersCompareByValue() {
        final JsonNode integer = json("{\"type\":\"integer\",\"enum\":[1,2]}");
        assertThat(SchemaCheck.conforms(integer, json("2.0"))).isTrue();
        assertThat(SchemaCheck.conforms(integer, json("2.5"))).isFalse();
        assertThat(SchemaCheck.conforms(json("{\"type\":[\"string\",\"null\"]}"), json("null"))).isTrue();
        assertThat(SchemaCheck.conforms(json("{\"type\":\"any\"}"), json("[1,\"a\"]"))).isTrue();
    }

    @Test
    void formatsAcceptTheCommonWritings() {
        assertThat(SchemaCheck.formatHolds("date-time", "2025-06-01T14:30:00Z")).isTrue();
        assertThat(SchemaCheck.formatHolds("date-time", "2025-06-01T14:30:00+02:00")).isTrue();
        assertThat(SchemaCheck.formatHolds("date-time", "2025-06-01T14:30")).isTrue();
        assertThat(SchemaCheck.formatHolds("date-time", "2025-06-01 14:30")).isFalse();
        assertThat(SchemaCheck.formatHolds("date", "2024-02-29")).isTrue();
        assertThat(SchemaCheck.formatHolds("date", "2025-02-29")).isFalse();
        assertThat(SchemaCheck.formatHolds("time", "09:15:00")).isTrue();
        assertThat(SchemaCheck.formatHolds("time", "25:00")).isFalse();
        assertThat(SchemaCheck.formatHolds("email", "ann.lee@example.com")).isTrue();
        assertThat(SchemaCheck.formatHolds("email", "ann.lee@")).isFalse();
        assertThat(SchemaCheck.formatHolds("uri", "https://example.com/a")).isTrue();
        assertThat(SchemaCheck.formatHolds("uri", "example dot com")).isFalse();
        assertThat(SchemaCheck.formatHolds("color-name", "anything")).isTrue();
    }

    private static JsonNode json(final String text) {
        return Json.parse("value", text);
    }
}

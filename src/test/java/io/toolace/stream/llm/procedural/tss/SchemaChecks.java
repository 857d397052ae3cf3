package io.toolace.stream.llm.procedural.tss;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the verifier and the argument generator will demand of a generated schema, checked
 * independently of the code that generated it.
 */
final class SchemaChecks {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");
    private static final Set<String> FORMATS = Set.of("date", "date-time", "email", "uri", "time");

    /** The regex subset: anchors, literals, escaped literals, \d \w, classes, one quantifier per atom. */
    private static final String ATOM = "(?:\\\\[dw]|\\\\[^A-Za-z0-9]|\\[(?:\\\\.|[^\\]\\\\\\[^])(?:\\\\.|[^\\]\\\\\\[])*\\]"
            + "|[^\\\\\\[\\](){}|.*+?^$])";
    private static final String QUANTIFIER = "(?:\\{\\d+(?:,\\d+)?\\}|[+?*])?";
    static final Pattern ALLOWED_PATTERN = Pattern.compile("\\^?(?:" + ATOM + QUANTIFIER + ")*\\$?");

    private SchemaChecks() {}

    static JsonNode parse(final String json) {
        try {
            return MAPPER.readTree(json);
        } catch (final JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** A parameters or response schema: an object whose every property, at every depth, is well formed. */
    static void checkRoot(final String json, final boolean describedProperties) {
        final JsonNode root = parse(json);
        assertThat(root.path("type").asText()).as(json).isEqualTo("object");
        assertThat(root.path("properties").isObject()).as(json).isTrue();
        if (describedProperties) {
            root.path("properties").forEach(p -> assertThat(p.path("description").asText()).as(json).isNotBlank());
        }
        check(root, json);
    }

    private static void check(final JsonNode schema, final String json) {
        final String type = schema.path("type").asText();
        assertThat(TYPES).as("type in %s", json).contains(type);
        if (type.equals("array")) {
            assertThat(schema.path("items").isObject()).as("items of array in %s", json).isTrue();
            check(schema.get("items"), json);
        }
        if (schema.has("properties")) {
            assertThat(type).isEqualTo("object");
            final Iterator<Map.Entry<String, JsonNode>> properties = schema.get("properties").fields();
            while (properties.hasNext()) {
                check(properties.next().getValue(), json);
            }
        }
        if (schema.has("required")) {
            for (final JsonNode name : schema.get("required")) {
                assertThat(schema.path("properties").has(name.asText())).as("required %s in %s", name, json).isTrue();
            }
        }
        if (schema.has("enum")) {
            assertThat(schema.get("enum").size()).isPositive();
            schema.get("enum").forEach(v -> assertThat(ofType(v, type)).as("enum value %s of %s in %s", v, type, json).isTrue());
        }
        if (schema.has("default")) {
            assertThat(ofType(schema.get("default"), type)).as("default of %s in %s", type, json).isTrue();
        }
        if (schema.has("pattern")) {
            final String pattern = schema.get("pattern").asText();
            assertThat(ALLOWED_PATTERN.matcher(pattern).matches()).as("pattern %s", pattern).isTrue();
            Pattern.compile(pattern);
        }
        if (schema.has("format")) {
            assertThat(FORMATS).contains(schema.get("format").asText());
        }
        for (final String bound : List.of("minimum", "maximum")) {
            if (schema.has(bound)) {
                assertThat(schema.get(bound).isNumber()).isTrue();
                assertThat(type).isIn("integer", "number");
            }
        }
        for (final String length : List.of("minLength", "maxLength", "minItems", "maxItems")) {
            if (schema.has(length)) {
                assertThat(schema.get(length).isIntegralNumber()).isTrue();
            }
        }
    }

    private static boolean ofType(final JsonNode value, final String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> false;
        };
    }

    /** Whether a parameter is a list of lists, a list of objects, or an object holding an object. */
    static boolean nested(final JsonNode parameter) {
        final JsonNode items = parameter.path("items");
        if (items.path("type").asText().equals("array") || items.path("type").asText().equals("object")) {
            return true;
        }
        for (final JsonNode child : parameter.path("properties")) {
            if (child.path("type").asText().equals("object") || child.path("type").asText().equals("array")) {
                return true;
            }
        }
        return false;
    }

    static boolean hasNestedParameter(final String parametersJson) {
        for (final JsonNode parameter : parse(parametersJson).path("properties")) {
            if (nested(parameter)) {
                return true;
            }
        }
        return false;
    }

    /** Constraint keywords anywhere in the schema. */
    static int constraintCount(final JsonNode schema) {
        int count = 0;
        for (final String keyword : List.of("enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
                "format", "minItems", "maxItems")) {
            count += schema.has(keyword) ? 1 : 0;
        }
        for (final JsonNode child : schema.path("properties")) {
            count += constraintCount(child);
        }
        if (schema.has("items")) {
            count += constraintCount(schema.get("items"));
        }
        return count;
    }

    /** Properties at every depth. */
    static int propertyCount(final JsonNode schema) {
        int count = 0;
        for (final JsonNode child : schema.path("properties")) {
            count += 1 + propertyCount(child);
        }
        return count + (schema.has("items") ? propertyCount(schema.get("items")) : 0);
    }
}

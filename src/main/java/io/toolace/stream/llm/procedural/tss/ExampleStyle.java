package io.toolace.stream.llm.procedural.tss;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.llm.procedural.tss.ApiNames.NameStyle;
import io.toolace.stream.llm.procedural.tss.Evolution.Shape;
import io.toolace.stream.records.ApiDefinition;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an evolved API takes from its example in the API example buffer: how names and parameter
 * names are written, the cross-cutting parameters and result blocks, the first nested shape,
 * and how many values it constrains.
 *
 * @param sharedParameters example parameters named in {@link Evolution#SHARED_PARAMETERS}, by snake_case name
 * @param sharedResults example response fields named in {@link Evolution#SHARED_RESULTS}
 * @param shape the example's first nested parameter shape, or null
 * @param constrained how many parameters the example constrains (enum, pattern, bounds, format)
 */
record ExampleStyle(NameStyle nameStyle, boolean camelCase, Map<String, ObjectNode> sharedParameters,
        Map<String, ObjectNode> sharedResults, Shape shape, int constrained) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> CONSTRAINT_KEYWORDS = List.of(
            "enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "format", "minItems", "maxItems");

    static ExampleStyle of(final ApiDefinition example) {
        final JsonNode parameters = parse(example.getParameters());
        final JsonNode response = parse(example.getResponse());
        final boolean camelCase = hasCamelCaseProperty(parameters.path("properties"));
        final Map<String, ObjectNode> shared = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> properties = parameters.path("properties").fields();
        Shape shape = null;
        int constrained = 0;
        while (properties.hasNext()) {
            final Map.Entry<String, JsonNode> property = properties.next();
            final String snake = snakeCase(property.getKey());
            if (Evolution.SHARED_PARAMETERS.contains(snake) && property.getValue().isObject()) {
                shared.put(snake, (ObjectNode) property.getValue());
            }
            if (shape == null) {
                shape = shapeOf(property.getValue());
            }
            constrained += constrains(property.getValue()) ? 1 : 0;
        }
        final Map<String, ObjectNode> results = new LinkedHashMap<>();
        for (final String name : Evolution.SHARED_RESULTS) {
            final JsonNode field = response.path("properties").path(name);
            if (field.isObject()) {
                results.put(name, (ObjectNode) field);
            }
        }
        return new ExampleStyle(NameStyle.of(example.getName()), camelCase, shared, results, shape, constrained);
    }

    /**
     * The example came through the API rule check, so its JSON parses; should it not, the new API
     * borrows its name style only, which is still a valid evolution.
     */
    private static JsonNode parse(final String json) {
        if (json == null || json.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(json);
        } catch (final JsonProcessingException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static Shape shapeOf(final JsonNode schema) {
        final JsonNode items = schema.path("items");
        if ("array".equals(items.path("type").asText())) {
            return Shape.ARRAY_OF_ARRAYS;
        }
        if (items.has("properties")) {
            return Shape.ARRAY_OF_OBJECTS;
        }
        final Iterator<JsonNode> children = schema.path("properties").elements();
        while (children.hasNext()) {
            final JsonNode child = children.next();
            if (child.has("properties") || child.path("items").has("properties")) {
                return Shape.OBJECT_IN_OBJECT;
            }
        }
        return null;
    }

    private static boolean constrains(final JsonNode schema) {
        final JsonNode target = schema.has("items") ? schema.get("items") : schema;
        for (final String keyword : CONSTRAINT_KEYWORDS) {
            if (schema.has(keyword) || target.has(keyword)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCamelCaseProperty(final JsonNode properties) {
        final Iterator<String> names = properties.fieldNames();
        while (names.hasNext()) {
            final String name = names.next();
            for (int i = 1; i < name.length(); i++) {
                if (Character.isUpperCase(name.charAt(i)) && Character.isLowerCase(name.charAt(i - 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    static String snakeCase(final String name) {
        final StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

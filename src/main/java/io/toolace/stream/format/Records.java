package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Field access shared by the codecs: the parts of a record every format spells the same way. */
final class Records {

    private Records() {}

    /** The record's own id, a string or a number, or {@code null}. */
    static String id(final JsonNode record) {
        final JsonNode id = record.get("id");
        return id != null && (id.isTextual() || id.isNumber()) ? id.asText() : null;
    }

    /** A string field, {@code null} when absent or JSON null; any other JSON type is malformed. */
    static String optionalText(final JsonNode record, final String field) throws MalformedSampleException {
        final JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedSampleException("'" + field + "' is " + kind(node) + ", expected a string");
        }
        return node.textValue();
    }

    static ArrayNode requiredArray(final JsonNode record, final String field) throws MalformedSampleException {
        final JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedSampleException("no '" + field + "' list");
        }
        if (!node.isArray()) {
            throw new MalformedSampleException("'" + field + "' is " + kind(node) + ", expected a list");
        }
        return (ArrayNode) node;
    }

    static ObjectNode entry(final ArrayNode list, final String field, final int index) throws MalformedSampleException {
        final JsonNode node = list.get(index);
        if (!node.isObject()) {
            throw new MalformedSampleException(field + "[" + index + "] is " + kind(node) + ", expected an object");
        }
        return (ObjectNode) node;
    }

    /**
     * The tools of a record: its tools field (a list, or a list as a JSON string, as LLaMA-Factory
     * writes it), else the list inside the system prompt.
     */
    static List<ToolSpec> tools(final JsonNode field, final String system) throws MalformedSampleException {
        JsonNode list = field;
        if (list != null && list.isTextual()) {
            list = Json.parseOrNull(list.textValue());
            if (list == null) {
                throw new MalformedSampleException("'tools' is a string that is not JSON");
            }
        }
        if (list != null && !list.isNull() && !list.isArray()) {
            throw new MalformedSampleException("'tools' is " + kind(list) + ", expected a list");
        }
        final List<ToolSpec> declared = ToolDefinitions.fromArray(list);
        if (declared != null && !declared.isEmpty()) {
            return declared;
        }
        return ToolDefinitions.findInPrompt(system).orElse(List.of());
    }

    /**
     * A tool turn written as a JSON array of {@code {"name", "results"}}, as ToolACE writes it. Returns
     * the message with an issue when the value has another shape.
     */
    static Message namedResults(final JsonNode value, final String raw) {
        if (value == null || !value.isArray()) {
            return new Message(Role.TOOL, raw, List.of(), List.of(),
                    new TurnIssue(TurnIssue.Kind.SHAPE, "tool value is not a JSON list of {\"name\", \"results\"}"));
        }
        final List<ToolResult> results = new ArrayList<>(value.size());
        TurnIssue issue = null;
        for (int i = 0; i < value.size(); i++) {
            final JsonNode item = value.get(i);
            if (!item.isObject()) {
                return new Message(Role.TOOL, raw, List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.SHAPE, "tool result " + i + " is " + kind(item) + ", expected {\"name\", \"results\"}"));
            }
            final JsonNode name = item.get("name");
            final JsonNode result = item.get("results");
            if (issue == null && (name == null || !name.isTextual())) {
                issue = new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "tool result " + i + " has no 'name'");
            } else if (issue == null && result == null) {
                issue = new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "tool result " + i + " has no 'results'");
            }
            results.add(new ToolResult(name != null && name.isTextual() ? name.textValue() : null,
                    result == null ? NullNode.getInstance() : result));
        }
        return new Message(Role.TOOL, null, List.of(), results, issue);
    }

    /** Whether a JSON list is exactly a list of {@code {"name": string, "results": ...}} objects. */
    static boolean isNamedResultList(final JsonNode value) {
        if (value == null || !value.isArray() || value.isEmpty()) {
            return false;
        }
        for (final JsonNode item : value) {
            if (!item.isObject() || !item.path("name").isTextual() || !item.has("results")) {
                return false;
            }
        }
        return true;
    }

    static ArrayNode namedResultsJson(final List<ToolResult> results) {
        final ArrayNode array = Json.MAPPER.createArrayNode();
        for (final ToolResult result : results) {
            final ObjectNode item = array.addObject();
            item.put("name", result.name());
            item.set("results", result.results());
        }
        return array;
    }

    /** A JSON value from text: parsed when it is a JSON object or list, the text itself otherwise. */
    static JsonNode jsonOrText(final String text) {
        final String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            final JsonNode parsed = Json.parseOrNull(trimmed);
            if (parsed != null) {
                return parsed;
            }
        }
        return TextNode.valueOf(text);
    }

    /**
     * Call arguments given as an object, or as JSON text of an object (OpenAI's {@code arguments});
     * absent or blank text means no arguments. Returns {@code null} when they are neither.
     */
    static ObjectNode argumentsOrNull(final JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (arguments.isObject()) {
            return (ObjectNode) arguments;
        }
        if (arguments.isTextual()) {
            if (arguments.textValue().isBlank()) {
                return Json.MAPPER.createObjectNode();
            }
            final JsonNode parsed = Json.parseOrNull(arguments.textValue());
            return parsed != null && parsed.isObject() ? (ObjectNode) parsed : null;
        }
        return null;
    }

    /** What a JSON value is, with its article, for messages: "a list", "an object", "null". */
    static String kind(final JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " value";
        };
    }
}

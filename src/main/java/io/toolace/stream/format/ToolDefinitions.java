package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tool definitions as JSON: reading them in the shapes datasets use, finding them in system prompts, writing them. */
public final class ToolDefinitions {

    /**
     * The ToolACE system prompt (Team-ACE/ToolACE, data.json), split around its tool list. Models
     * trained on ToolACE data have seen exactly this text, so the exporter reproduces it verbatim.
     */
    private static final String TOOLACE_PROMPT_HEAD = "You are an expert in composing functions. You are given a question and a set of possible functions. \n"
            + "Based on the question, you will need to make one or more function/tool calls to achieve the purpose. \n"
            + "If none of the function can be used, point it out. If the given question lacks the parameters required by the function,\n"
            + "also point it out. You should only return the function call in tools call sections.\n"
            + "Here is a list of functions in JSON format that you can invoke:\n";

    private static final String TOOLACE_PROMPT_TAIL = ". \nShould you decide to return the function call(s). \n"
            + "Put it in the format of [func1(params_name=params_value, params_name2=params_value2...), func2(params)]\n"
            + "\nNO other text MUST be included. \n";

    private ToolDefinitions() {}

    /**
     * Reads one definition, plain ({@code {"name", "description", "parameters"}}) or OpenAI-wrapped
     * ({@code {"type": "function", "function": {...}}}). Fields of the wrong JSON type read as absent,
     * which the API rules then report; nothing here throws on a bad definition.
     */
    public static ToolSpec fromJson(final JsonNode definition) {
        JsonNode def = definition;
        if (def.path("function").isObject() && !def.has("name")) {
            def = def.get("function");
        }
        final JsonNode response = def.hasNonNull("response") ? def.get("response") : def.get("results");
        return new ToolSpec(textOrNull(def.get("name")), textOrNull(def.get("description")),
                nullIfAbsent(def.get("parameters")), nullIfAbsent(response));
    }

    /** Reads a JSON array of definitions; {@code null} when the node is not an array. */
    public static List<ToolSpec> fromArray(final JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        final List<ToolSpec> tools = new ArrayList<>(array.size());
        for (final JsonNode def : array) {
            tools.add(fromJson(def));
        }
        return tools;
    }

    /** The plain definition, absent fields left out. */
    public static ObjectNode toJson(final ToolSpec tool) {
        final ObjectNode def = Json.MAPPER.createObjectNode();
        if (tool.name() != null) {
            def.put("name", tool.name());
        }
        if (tool.description() != null) {
            def.put("description", tool.description());
        }
        if (tool.parameters() != null) {
            def.set("parameters", tool.parameters());
        }
        if (tool.response() != null) {
            def.set("response", tool.response());
        }
        return def;
    }

    public static ArrayNode toJsonArray(final List<ToolSpec> tools) {
        final ArrayNode array = Json.MAPPER.createArrayNode();
        tools.forEach(tool -> array.add(toJson(tool)));
        return array;
    }

    /**
     * Finds the tool list inside a system prompt: the first JSON array in the text whose elements are
     * all objects with a string {@code name} (plain or OpenAI-wrapped). ToolACE, and many datasets
     * converted from it, keep their tools only there.
     */
    public static Optional<List<ToolSpec>> findInPrompt(final String system) {
        if (system == null) {
            return Optional.empty();
        }
        int open = system.indexOf('[');
        while (open >= 0) {
            final int next = skipWhitespace(system, open + 1);
            if (next < system.length() && system.charAt(next) == '{') {
                final JsonNode array = Json.parsePrefixOrNull(system, open);
                if (array != null && isDefinitionList(array)) {
                    return Optional.of(fromArray(array));
                }
            }
            open = system.indexOf('[', open + 1);
        }
        return Optional.empty();
    }

    /** The ToolACE system prompt for these tools, as the exporter writes it. */
    public static String toolAcePrompt(final List<ToolSpec> tools) {
        final List<String> definitions = new ArrayList<>(tools.size());
        tools.forEach(tool -> definitions.add(toolAceDefinition(tool)));
        return toolAcePromptOf(definitions);
    }

    /** One tool as ToolACE's system prompt lists it. */
    public static String toolAceDefinition(final ToolSpec tool) {
        return Json.write(toJson(tool));
    }

    /**
     * As {@link #toolAcePrompt}, from definitions {@link #toolAceDefinition} wrote, so a caller that keeps them
     * per tool does not write a tool again for every prompt that lists it. Python's layout of a list is its
     * items between brackets, each after the first behind {@code ", "}.
     */
    public static String toolAcePromptOf(final List<String> definitions) {
        return TOOLACE_PROMPT_HEAD + '[' + String.join(", ", definitions) + ']' + TOOLACE_PROMPT_TAIL;
    }

    private static boolean isDefinitionList(final JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return false;
        }
        for (final JsonNode def : array) {
            final JsonNode named = def.path("function").isObject() && !def.has("name") ? def.get("function") : def;
            if (!named.path("name").isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static int skipWhitespace(final String text, final int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String textOrNull(final JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static JsonNode nullIfAbsent(final JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }
}

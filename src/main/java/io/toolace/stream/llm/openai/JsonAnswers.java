package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's answer as one JSON object. Only repairs that cannot change what the model meant
 * are made: a UTF-8 byte-order mark, a Markdown code fence around the object, prose before the
 * object and text after its balanced closing brace are dropped. Anything else (truncated JSON,
 * single quotes, trailing commas, an array, a field of the wrong type) is rejected with the reason,
 * because guessing would put a made-up API or tree into the pool.
 */
public final class JsonAnswers {

    /** A repair made to an answer, named for metrics and logs. */
    public enum Repair {
        BOM, CODE_FENCE, LEADING_TEXT, TRAILING_TEXT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The object an answer holds and the repairs it needed; empty repairs for a clean answer. */
    public record Answer(ObjectNode object, Set<Repair> repairs) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char BOM = '\uFEFF';
    /** A Markdown fence line: three or more backticks or tildes and an optional info string ("json"). */
    private static final Pattern FENCE_LINE = Pattern.compile("(?m)^[ \\t]*(?:`{3,}|~{3,})[ \\t]*[\\w+.-]*[ \\t]*$");

    private JsonAnswers() {}

    /**
     * The JSON object in {@code text}.
     *
     * @param finishReason the server's finish reason, quoted in the reason of a rejection so that a
     *     truncation by {@code max_tokens} is recognisable
     * @throws AnswerRejected when the text holds no complete JSON object
     */
    public static Answer object(final String text, final String finishReason) throws AnswerRejected {
        final String finish = " (finish_reason=" + (finishReason == null || finishReason.isEmpty() ? "unknown" : finishReason) + ")";
        if (text == null || text.isBlank()) {
            throw new AnswerRejected("answer is empty" + finish);
        }
        final Set<Repair> repairs = EnumSet.noneOf(Repair.class);
        int from = 0;
        if (text.charAt(0) == BOM) {
            repairs.add(Repair.BOM);
            from = 1;
        }
        final int start = valueStart(text, from);
        if (start < 0) {
            throw new AnswerRejected("answer is not JSON: no '{' in " + text.length() + " chars" + finish);
        }
        if (text.charAt(start) == '[' || lastNonSpace(text, from, start) == '[' || lastNonSpace(text, from, start) == ',') {
            throw new AnswerRejected("answer is a JSON array, expected an object");
        }
        final int end = closingBrace(text, start);
        if (end < 0) {
            throw new AnswerRejected("answer is not JSON: truncated at char " + text.length() + finish);
        }
        final char after = firstNonSpace(text, end + 1);
        if (after == ',' || after == ']') {
            throw new AnswerRejected("answer is a JSON array, expected an object");
        }
        final String lead = text.substring(from, start);
        final String trail = text.substring(end + 1);
        if (FENCE_LINE.matcher(lead).find() || FENCE_LINE.matcher(trail).find()) {
            repairs.add(Repair.CODE_FENCE);
        }
        if (!FENCE_LINE.matcher(lead).replaceAll("").isBlank()) {
            repairs.add(Repair.LEADING_TEXT);
        }
        if (!FENCE_LINE.matcher(trail).replaceAll("").isBlank()) {
            repairs.add(Repair.TRAILING_TEXT);
        }
        try {
            return new Answer((ObjectNode) JSON.readTree(text.substring(start, end + 1)),
                    Collections.unmodifiableSet(repairs));
        } catch (final JsonProcessingException e) {
            final long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new AnswerRejected("answer is not JSON: " + e.getOriginalMessage()
                    + (offset < 0 ? "" : " at char " + (start + offset)));
        }
    }

    /**
     * The field {@code name} of {@code parent} as a string, {@code ""} when optional and absent or
     * null. {@code parentPath} names the parent in the reason, e.g. {@code subdomains[2]}.
     */
    public static String text(final JsonNode parent, final String parentPath, final String name,
            final boolean required) throws AnswerRejected {
        final JsonNode value = field(parent, parentPath, name, required);
        if (value == null) {
            return "";
        }
        if (!value.isTextual()) {
            throw wrongType(parentPath, name, "a string", value);
        }
        return value.asText().strip();
    }

    /** The field {@code name} of {@code parent} as an array, empty when optional and absent. */
    public static ArrayNode array(final JsonNode parent, final String parentPath, final String name,
            final boolean required) throws AnswerRejected {
        final JsonNode value = field(parent, parentPath, name, required);
        if (value == null) {
            return JSON.createArrayNode();
        }
        if (!value.isArray()) {
            throw wrongType(parentPath, name, "an array", value);
        }
        return (ArrayNode) value;
    }

    /** The field {@code name} of {@code parent} as an object, {@code null} when optional and absent. */
    public static ObjectNode object(final JsonNode parent, final String parentPath, final String name,
            final boolean required) throws AnswerRejected {
        final JsonNode value = field(parent, parentPath, name, required);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw wrongType(parentPath, name, "a JSON object", value);
        }
        return (ObjectNode) value;
    }

    /** The field {@code name} of {@code parent} as a boolean, {@code fallback} when optional and absent. */
    public static boolean bool(final JsonNode parent, final String parentPath, final String name,
            final boolean required, final boolean fallback) throws AnswerRejected {
        final JsonNode value = field(parent, parentPath, name, required);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw wrongType(parentPath, name, "true or false", value);
        }
        return value.booleanValue();
    }

    /** The field {@code name} of {@code parent} as an int, {@code fallback} when optional and absent. */
    public static int integer(final JsonNode parent, final String parentPath, final String name,
            final boolean required, final int fallback) throws AnswerRejected {
        final JsonNode value = field(parent, parentPath, name, required);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
            throw wrongType(parentPath, name, "an integer", value);
        }
        return value.asInt();
    }

    /** {@code parent[index]} as an object. */
    public static ObjectNode element(final ArrayNode parent, final String parentPath, final int index)
            throws AnswerRejected {
        final JsonNode value = parent.get(index);
        if (!value.isObject()) {
            throw new AnswerRejected("'" + parentPath + "[" + index + "]' is not a JSON object (got "
                    + kind(value) + ")");
        }
        return (ObjectNode) value;
    }

    /** A JSON null counts as absent: models write {@code "description": null} for "none". */
    private static JsonNode field(final JsonNode parent, final String parentPath, final String name,
            final boolean required) throws AnswerRejected {
        final JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new AnswerRejected("missing field '" + path(parentPath, name) + "'");
            }
            return null;
        }
        return value;
    }

    private static AnswerRejected wrongType(final String parentPath, final String name, final String expected,
            final JsonNode value) {
        return new AnswerRejected("field '" + path(parentPath, name) + "' is not " + expected + " (got "
                + kind(value) + ")");
    }

    private static String path(final String parentPath, final String name) {
        return parentPath.isEmpty() ? name : parentPath + "." + name;
    }

    private static String kind(final JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Where the JSON value starts: inside the first code fence whose content is a JSON value, so
     * that a brace in prose before the fence is not taken for the object; else the first brace,
     * or a leading bracket (an array, rejected by the caller).
     */
    private static int valueStart(final String text, final int from) {
        final Matcher fence = FENCE_LINE.matcher(text);
        fence.region(from, text.length());
        while (fence.find()) {
            final int content = firstNonSpaceIndex(text, fence.end());
            if (content >= 0 && (text.charAt(content) == '{' || text.charAt(content) == '[')) {
                return content;
            }
        }
        final int first = firstNonSpaceIndex(text, from);
        if (first >= 0 && text.charAt(first) == '[') {
            return first;
        }
        return text.indexOf('{', from);
    }

    /** The index of the brace closing the one at {@code start}, or -1 when the text ends first. */
    private static int closingBrace(final String text, final int start) {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int firstNonSpaceIndex(final String text, final int from) {
        for (int i = from; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static char firstNonSpace(final String text, final int from) {
        final int i = firstNonSpaceIndex(text, from);
        return i < 0 ? 0 : text.charAt(i);
    }

    private static char lastNonSpace(final String text, final int from, final int before) {
        for (int i = before - 1; i >= from; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return text.charAt(i);
            }
        }
        return 0;
    }
}

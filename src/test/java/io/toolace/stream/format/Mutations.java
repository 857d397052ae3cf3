package io.toolace.stream.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Edits that damage real records, for the fuzz properties: text edits (what a cut-off generator, a
 * bad copy or a wrong encoding does to a line or a call list) and JSON-tree edits (fields missing,
 * of the wrong type, huge or deeply nested). Random text rarely gets past a parser's first check;
 * a real record with one or two edits reaches the code behind it.
 *
 * <p>Positions and sizes are taken modulo the text or tree they edit, so every generated edit
 * applies to every input and shrinks towards the start and towards small sizes.
 */
public final class Mutations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The characters that carry structure in JSON and in the call syntax. */
    private static final String SYNTAX = "[](){}\"',:=\\";

    /** Jackson's default nesting limit is 1,000 levels; edits go a little past it. */
    private static final int MAX_NESTING = 1_100;
    private static final int MAX_GROWN_CHARS = 1 << 16;
    private static final ObjectMapper DEEP_WRITER = JsonMapper.builder(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build()).build()).build();

    private Mutations() {}

    /** One edit of a text. */
    public record TextEdit(TextKind kind, int at, int size, String payload) {

        public String apply(final String text) {
            final int n = text.length();
            final int i = n == 0 ? 0 : at % n;
            return switch (kind) {
                case REPLACE_CHAR -> n == 0 ? payload : text.substring(0, i) + payload + text.substring(i + 1);
                case INSERT -> text.substring(0, at % (n + 1)) + payload + text.substring(at % (n + 1));
                case DELETE -> text.substring(0, i) + text.substring(Math.min(n, i + 1 + size % 16));
                case TRUNCATE -> text.substring(0, at % (n + 1));
                case DUPLICATE_SYNTAX -> editSyntaxChar(text, c -> String.valueOf(c).repeat(2 + size % 3));
                case DELETE_SYNTAX -> editSyntaxChar(text, c -> "");
                case REPEAT -> {
                    final String region = text.substring(i, Math.min(n, i + 1 + size % 40));
                    yield text.substring(0, i) + region.repeat(2 + size % 500) + text.substring(i + region.length());
                }
                case NEST -> nest(text);
                case NUMBER -> replaceNumber(text);
                case BYTES -> corruptBytes(text);
            };
        }

        private String editSyntaxChar(final String text, final IntFunction<String> replacement) {
            final List<Integer> positions = new ArrayList<>();
            for (int k = 0; k < text.length(); k++) {
                if (SYNTAX.indexOf(text.charAt(k)) >= 0) {
                    positions.add(k);
                }
            }
            if (positions.isEmpty()) {
                return text;
            }
            final int p = positions.get(at % positions.size());
            return text.substring(0, p) + replacement.apply(text.charAt(p)) + text.substring(p + 1);
        }

        /** Wraps the value after the chosen {@code =} or {@code :} in {@code size} levels of the payload's bracket. */
        private String nest(final String text) {
            final List<Integer> starts = new ArrayList<>();
            for (int k = 0; k < text.length(); k++) {
                if (text.charAt(k) == '=' || text.charAt(k) == ':') {
                    starts.add(k + 1);
                }
            }
            if (starts.isEmpty()) {
                return text;
            }
            final int start = starts.get(at % starts.size());
            int end = start;
            while (end < text.length() && ",)}]".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            final int depth = 1 + size % MAX_NESTING;
            final String close = switch (payload) {
                case "(" -> ")";
                case "{\"k\": " -> "}";
                default -> "]";
            };
            return text.substring(0, start) + payload.repeat(depth) + text.substring(start, end) + close.repeat(depth) + text.substring(end);
        }

        /** Replaces the chosen run of digits (with its sign, fraction and exponent) by the payload. */
        private String replaceNumber(final String text) {
            final List<int[]> runs = new ArrayList<>();
            int k = 0;
            while (k < text.length()) {
                if (text.charAt(k) >= '0' && text.charAt(k) <= '9') {
                    int end = k;
                    while (end < text.length() && "0123456789.eE+-".indexOf(text.charAt(end)) >= 0) {
                        end++;
                    }
                    runs.add(new int[] {k > 0 && text.charAt(k - 1) == '-' ? k - 1 : k, end});
                    k = end;
                } else {
                    k++;
                }
            }
            if (runs.isEmpty()) {
                return text + payload;
            }
            final int[] run = runs.get(at % runs.size());
            return text.substring(0, run[0]) + payload + text.substring(run[1]);
        }

        /**
         * Writes the payload's chars as raw bytes into the UTF-8 encoding, then decodes as the
         * {@code verify} command reads a file: invalid sequences become U+FFFD.
         */
        private String corruptBytes(final String text) {
            final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            final int p = utf8.length == 0 ? 0 : at % utf8.length;
            final byte[] out = new byte[utf8.length + payload.length()];
            System.arraycopy(utf8, 0, out, 0, p);
            for (int b = 0; b < payload.length(); b++) {
                out[p + b] = (byte) payload.charAt(b);
            }
            System.arraycopy(utf8, p, out, p + payload.length(), utf8.length - p);
            final StringBuilder decoded = new StringBuilder(out.length);
            try (Reader reader = new InputStreamReader(new ByteArrayInputStream(out), StandardCharsets.UTF_8)) {
                final char[] buffer = new char[4096];
                for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
                    decoded.append(buffer, 0, read);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return decoded.toString();
        }
    }

    public enum TextKind { REPLACE_CHAR, INSERT, DELETE, TRUNCATE, DUPLICATE_SYNTAX, DELETE_SYNTAX, REPEAT, NEST, NUMBER, BYTES }

    /** Applies edits in order. */
    public static String apply(final String text, final List<TextEdit> edits) {
        String edited = text;
        for (final TextEdit edit : edits) {
            edited = edit.apply(edited);
        }
        return edited;
    }

    /** One to three text edits. */
    public static Arbitrary<List<TextEdit>> textEdits() {
        return textEdit().list().ofMinSize(1).ofMaxSize(3);
    }

    public static Arbitrary<TextEdit> textEdit() {
        return Arbitraries.of(TextKind.values()).flatMap(kind -> Combinators.combine(
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                payloads(kind)).as((at, size, payload) -> new TextEdit(kind, at, size, payload)));
    }

    private static Arbitrary<String> payloads(final TextKind kind) {
        return switch (kind) {
            case REPLACE_CHAR, INSERT -> Arbitraries.frequencyOf(
                    Tuple.of(3, syntaxPieces()),
                    Tuple.of(3, oddChars()),
                    Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(4)));
            case NEST -> Arbitraries.of("[", "(", "{\"k\": ");
            case NUMBER -> numbers();
            case BYTES -> Arbitraries.of("\u00ff", "\u00c3", "\u0080", "\u00bf", "\u00fe\u00ff", "\u00ed\u00a0\u0080",
                    "\u00c0\u00af", "\u00f4\u0090\u0080\u0080", "\u00e2\u0082", "\u0000");
            default -> Arbitraries.just("");
        };
    }

    /** Pieces that change the meaning of a call list or of JSON text. */
    public static Arbitrary<String> syntaxPieces() {
        return Arbitraries.of("[", "]", "(", ")", "{", "}", ",", "=", ":", "\"", "'", "\\", " ", "\n", ".", "-", "e",
                "True", "None", "null", "==", "((", "))", "()", ",,", "[]", "{}", "\"\"", "\\\"", "x=", "f(", ")]", "']");
    }

    /** Control characters, broken surrogates, noncharacters, other scripts, and their escapes. */
    public static Arbitrary<String> oddChars() {
        return Arbitraries.of("\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u009f", "\u2028", "\u202e", "\ufeff",
                "\ufffd", "\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d\ude00", "\ud83d", "\ude00\ud83d",
                "é", "中文", "مرحبا", "\u0301", "\t", "\r", "\\u0000", "\\ud800", "\\udc00\\ud800", "\\x00", "\\x7", "\\U0010ffff",
                "\\U00110000", "\\UFFFFFFFF", "\\u12", "\\N{DASH}", "\\");
    }

    /** Numbers too large, too small, or not quite numbers. */
    public static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.of("1e999", "-1e999", "1e-999", "1E+308", "1.7976931348623157e309", "4.9e-324", "-0", "-0.0", "00",
                        "007", "1_000", "0x1F", "NaN", "Infinity", "-Infinity", "1.", ".5", "+5", "-", "1e", "1e+", "--1",
                        "2147483648", "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(19)),
                Arbitraries.integers().between(20, 5_000).map(digits -> "9".repeat(digits)),
                Arbitraries.integers().between(20, 2_000).map(digits -> "0." + "0".repeat(digits) + "1"));
    }

    /** One edit of a JSON tree. */
    public record JsonEdit(JsonKind kind, int at, int size, JsonNode replacement, TextEdit textEdit) {

        /** The edited copy; the input is not changed. */
        public JsonNode apply(final JsonNode root) {
            final JsonNode copy = root.deepCopy();
            final List<Slot> slots = new ArrayList<>();
            slots(copy, null, null, -1, slots);
            final Slot slot = slots.get(at % slots.size());
            return switch (kind) {
                case REMOVE -> slot.parent == null ? copy : slot.remove(copy);
                case REPLACE -> slot.set(copy, replacement.deepCopy());
                case WRAP -> slot.set(copy, wrap(slot.node, 1 + size % MAX_NESTING));
                case GROW -> slot.set(copy, grow(slot.node, 1 + size % 3_000));
                case RENAME -> slot.parent instanceof ObjectNode ? slot.rename(copy, replacement.asText("")) : copy;
                case EDIT_TEXT -> editText(copy, slots);
            };
        }

        /** Edits the first text at or after the chosen node, as text: a JSON or call-list value inside a string. */
        private JsonNode editText(final JsonNode copy, final List<Slot> slots) {
            for (int k = 0; k < slots.size(); k++) {
                final Slot slot = slots.get((int) ((at + (long) k) % slots.size()));
                if (slot.node.isTextual()) {
                    return slot.set(copy, NODES.textNode(textEdit.apply(slot.node.textValue())));
                }
            }
            return copy;
        }

        private static JsonNode wrap(final JsonNode node, final int depth) {
            JsonNode wrapped = node;
            for (int d = 0; d < depth; d++) {
                wrapped = d % 2 == 0 ? NODES.arrayNode().add(wrapped) : NODES.objectNode().set("k", wrapped);
            }
            return wrapped;
        }

        /**
         * A list with many copies: of an element of a list, or of the node itself; a big item gets
         * fewer copies, so a grown record stays within about a hundred kilobytes.
         */
        private static JsonNode grow(final JsonNode node, final int copies) {
            final ArrayNode grown = node.isArray() ? ((ArrayNode) node).deepCopy() : NODES.arrayNode();
            final JsonNode item = node.isArray() && !node.isEmpty() ? node.get(copies % node.size()) : node;
            final int affordable = Math.max(1, MAX_GROWN_CHARS / Math.max(1, line(item).length()));
            for (int c = 0; c < Math.min(copies, affordable); c++) {
                grown.add(item);
            }
            return grown;
        }
    }

    public enum JsonKind { REMOVE, REPLACE, WRAP, GROW, RENAME, EDIT_TEXT }

    /** A node of a tree and where it hangs: an object field or an array index ({@code parent} null for the root). */
    private record Slot(JsonNode node, JsonNode parent, String field, int index) {

        JsonNode set(final JsonNode root, final JsonNode value) {
            if (parent == null) {
                return value;
            }
            if (parent instanceof ObjectNode object) {
                object.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
            return root;
        }

        JsonNode remove(final JsonNode root) {
            if (parent instanceof ObjectNode object) {
                object.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
            return root;
        }

        JsonNode rename(final JsonNode root, final String name) {
            final ObjectNode object = (ObjectNode) parent;
            object.remove(field);
            object.set(name, node);
            return root;
        }
    }

    private static void slots(final JsonNode node, final JsonNode parent, final String field, final int index, final List<Slot> out) {
        out.add(new Slot(node, parent, field, index));
        if (node.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> f = fields.next();
                slots(f.getValue(), node, f.getKey(), -1, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots(node.get(i), node, null, i, out);
            }
        }
    }

    /** Applies edits in order. */
    public static JsonNode apply(final JsonNode root, final List<JsonEdit> edits) {
        JsonNode edited = root;
        for (final JsonEdit edit : edits) {
            edited = edit.apply(edited);
        }
        return edited;
    }

    /** One to three tree edits; {@code replacements} are the values a REPLACE puts in and the names a RENAME gives. */
    public static Arbitrary<List<JsonEdit>> jsonEdits(final Arbitrary<JsonNode> replacements) {
        return jsonEdit(replacements).list().ofMinSize(1).ofMaxSize(3);
    }

    public static Arbitrary<JsonEdit> jsonEdit(final Arbitrary<JsonNode> replacements) {
        return Combinators.combine(
                Arbitraries.frequency(Tuple.of(2, JsonKind.REMOVE), Tuple.of(4, JsonKind.REPLACE), Tuple.of(1, JsonKind.WRAP),
                        Tuple.of(1, JsonKind.GROW), Tuple.of(1, JsonKind.RENAME), Tuple.of(4, JsonKind.EDIT_TEXT)),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                replacements,
                textEdit()).as(JsonEdit::new);
    }

    /** Values of every JSON type, the awkward ones included: empty, huge, deep, mixed, odd characters. */
    public static Arbitrary<JsonNode> jsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.booleanNode(false), NODES.numberNode(0),
                        NODES.numberNode(-1), NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(1.5), NODES.numberNode(Double.MAX_VALUE),
                        // What Jackson reads for 1e999: JSON text can carry an infinite double into a tree.
                        NODES.numberNode(Double.POSITIVE_INFINITY), NODES.numberNode(Double.NEGATIVE_INFINITY),
                        NODES.numberNode(BigInteger.TEN.pow(400)), NODES.numberNode(BigInteger.TEN.pow(400).negate()),
                        NODES.textNode(""), NODES.textNode(" "), NODES.textNode("x"), NODES.textNode("[f(a=1)]"),
                        NODES.textNode("{\"name\": \"f\"}"), NODES.textNode("["), NODES.textNode("a".repeat(10_000)),
                        NODES.arrayNode(), NODES.objectNode(), NODES.objectNode().put("", ""),
                        NODES.arrayNode().add(1).add("a").addNull().add(NODES.objectNode()).add(NODES.arrayNode()).add(2.5).add(true),
                        NODES.objectNode().put("name", 5).putNull("arguments")),
                oddChars().map(NODES::textNode),
                Arbitraries.strings().all().ofMaxLength(8).map(NODES::textNode));
    }

    /** An edited tree as one JSON line, at any depth: edits go past the depth the readers accept. */
    public static String line(final JsonNode tree) {
        try {
            return DEEP_WRITER.writeValueAsString(tree);
        } catch (final JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a tree could have been read from JSON text: no deeper than Jackson's read limit. Edits
     * of trees handed on without text must stay within it, as every tree a reader builds does.
     */
    public static boolean readable(final JsonNode tree) {
        return depth(tree) <= StreamReadConstraints.DEFAULT_MAX_DEPTH;
    }

    private static int depth(final JsonNode node) {
        int deepest = 0;
        for (final JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }
}

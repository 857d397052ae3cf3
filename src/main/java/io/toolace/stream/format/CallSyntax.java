package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ToolACE call-list syntax: {@code [Get Weather(city="Paris"), pkg.func(a=[1, 2], b={"k": True})]}.
 *
 * <p>Function names are free text (ToolACE tools are called "Get Manager Placeholder Image",
 * "products/list", "User Feed (Video Posts) V2"): a name runs up to the {@code (} that opens its
 * argument list, i.e. a {@code (} followed by {@code )} or by {@code key=}. Names cannot contain
 * {@code [}, {@code ]} or control characters, cannot start with a comma, and cannot contain a
 * {@code (} that would itself open an argument list; {@link #isCallableName} tells which names the
 * syntax can express. Argument values are Python literals: strings in single or double quotes with
 * Python escapes, integers, floats, {@code True}/{@code False}/{@code None} (and their JSON
 * spellings, which generators often emit), lists, tuples (read as lists) and dicts.
 *
 * <p>Integers become int, long or big-integer nodes by size; any literal with a fraction or exponent
 * becomes a double node, so {@code 2025.0} stays distinguishable from {@code 2025}.
 */
public final class CallSyntax {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Deeper nesting is rejected instead of risking a stack overflow on hostile input. */
    private static final int MAX_DEPTH = 200;

    private CallSyntax() {}

    /** A call list found inside a longer text, with its character span. */
    public record Located(List<FunctionCall> calls, int start, int end) {}

    /** Parses a text that is one call list, optionally surrounded by whitespace. */
    public static List<FunctionCall> parse(final String text) throws CallParseException {
        final Parser parser = new Parser(text, 0);
        final List<FunctionCall> calls = parser.callList();
        parser.skipWhitespace();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected text after the call list");
        }
        return calls;
    }

    /**
     * Finds the first non-empty call list inside a text, e.g. a list an assistant put after a
     * sentence. Returns empty when no {@code [} starts a list that parses.
     */
    public static Optional<Located> find(final String text) {
        int open = text.indexOf('[');
        while (open >= 0) {
            final Parser parser = new Parser(text, open);
            try {
                final List<FunctionCall> calls = parser.callList();
                if (!calls.isEmpty()) {
                    return Optional.of(new Located(calls, open, parser.pos));
                }
            } catch (final CallParseException notAListHere) {
                // Prose brackets ("[1]", "[see below]") are common; try the next one.
            }
            open = text.indexOf('[', open + 1);
        }
        return Optional.empty();
    }

    /**
     * True when a text starts (after whitespace) like a call list, {@code [} then a name then
     * {@code (}, so that a parse failure means a broken call rather than prose in brackets.
     */
    public static boolean looksLikeCallList(final String text) {
        int i = skipWhitespace(text, 0);
        if (i >= text.length() || text.charAt(i) != '[') {
            return false;
        }
        i = skipWhitespace(text, i + 1);
        final int nameStart = i;
        while (i < text.length() && isNameChar(text.charAt(i)) && text.charAt(i) != '(') {
            i++;
        }
        return i > nameStart && i < text.length() && text.charAt(i) == '(';
    }

    /** True when {@code name} can be written in this syntax and reads back as the same name. */
    public static boolean isCallableName(final String name) {
        if (name == null || name.isEmpty() || name.charAt(0) == ','
                || isBlankChar(name.charAt(0)) || isBlankChar(name.charAt(name.length() - 1))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (!isNameChar(c) || (c == '(' && opensArguments(name, i))) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code key} can be written as a keyword argument name. */
    public static boolean isKeyword(final String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (!isKeyChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Prints calls as a list, e.g. {@code [f(a=1, b="x")]}.
     *
     * @throws IllegalArgumentException for a name or argument key the syntax cannot express, or a
     *     non-finite number
     */
    public static String print(final List<FunctionCall> calls) {
        final StringBuilder out = new StringBuilder(64 * Math.max(1, calls.size()));
        out.append('[');
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            printCall(calls.get(i), out);
        }
        return out.append(']').toString();
    }

    /** Prints one JSON value as a Python literal. */
    public static String printValue(final JsonNode value) {
        final StringBuilder out = new StringBuilder();
        printValue(value, out);
        return out.toString();
    }

    private static void printCall(final FunctionCall call, final StringBuilder out) {
        if (!isCallableName(call.name())) {
            throw new IllegalArgumentException("function name cannot be written as a call: " + quoted(call.name()));
        }
        out.append(call.name()).append('(');
        final Iterator<Map.Entry<String, JsonNode>> args = call.arguments().fields();
        boolean first = true;
        while (args.hasNext()) {
            final Map.Entry<String, JsonNode> arg = args.next();
            if (!isKeyword(arg.getKey())) {
                throw new IllegalArgumentException("argument name cannot be written as a keyword: " + quoted(arg.getKey()));
            }
            if (!first) {
                out.append(", ");
            }
            first = false;
            out.append(arg.getKey()).append('=');
            printValue(arg.getValue(), out);
        }
        out.append(')');
    }

    private static void printValue(final JsonNode value, final StringBuilder out) {
        switch (value.getNodeType()) {
            case NULL, MISSING -> out.append("None");
            case BOOLEAN -> out.append(value.booleanValue() ? "True" : "False");
            case NUMBER -> printNumber(value, out);
            case STRING -> printString(value.textValue(), out);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < value.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    printValue(value.get(i), out);
                }
                out.append(']');
            }
            case OBJECT -> {
                out.append('{');
                final Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
                boolean first = true;
                while (fields.hasNext()) {
                    final Map.Entry<String, JsonNode> field = fields.next();
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    printString(field.getKey(), out);
                    out.append(": ");
                    printValue(field.getValue(), out);
                }
                out.append('}');
            }
            default -> throw new IllegalArgumentException("no Python literal for a " + value.getNodeType() + " node");
        }
    }

    private static void printNumber(final JsonNode value, final StringBuilder out) {
        if (value.isIntegralNumber()) {
            out.append(value.bigIntegerValue());
            return;
        }
        final double d = value.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("no Python literal for the number " + d);
        }
        // Double.toString is the shortest text that reads back to the same double, and always has a
        // '.' or an exponent, so the value reads back as a float, not an integer.
        out.append(Double.toString(d));
    }

    private static void printString(final String s, final StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String quoted(final String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    private static boolean isBlankChar(final char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || Character.isWhitespace(c);
    }

    private static boolean isNameChar(final char c) {
        return c != '[' && c != ']' && c >= 0x20 && c != 0x7f;
    }

    private static boolean isKeyChar(final char c) {
        return c > 0x20 && c != 0x7f && c != '=' && c != '(' && c != ')' && c != '[' && c != ']'
                && c != '{' && c != '}' && c != ',' && c != '"' && c != '\'' && !Character.isWhitespace(c);
    }

    private static int skipWhitespace(final String text, final int from) {
        int i = from;
        while (i < text.length() && isBlankChar(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** True when the {@code (} at {@code open} starts an argument list: {@code ()} or {@code (key=}. */
    private static boolean opensArguments(final String text, final int open) {
        int i = skipWhitespace(text, open + 1);
        if (i < text.length() && text.charAt(i) == ')') {
            return true;
        }
        final int keyStart = i;
        while (i < text.length() && isKeyChar(text.charAt(i))) {
            i++;
        }
        if (i == keyStart) {
            return false;
        }
        i = skipWhitespace(text, i);
        return i < text.length() && text.charAt(i) == '=';
    }

    /** Recursive-descent parser over one text; {@code pos} is the next unread character. */
    private static final class Parser {

        private final String text;
        private int pos;
        private int depth;

        Parser(final String text, final int pos) {
            this.text = text;
            this.pos = pos;
        }

        CallParseException error(final String reason) {
            return new CallParseException(pos, reason);
        }

        void skipWhitespace() {
            pos = CallSyntax.skipWhitespace(text, pos);
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return text.charAt(pos);
        }

        void expect(final char c, final String what) throws CallParseException {
            if (atEnd()) {
                throw error("unexpected end of text, expected " + what);
            }
            if (peek() != c) {
                throw error("expected " + what + " but found '" + peek() + "'");
            }
            pos++;
        }

        List<FunctionCall> callList() throws CallParseException {
            skipWhitespace();
            expect('[', "'[' to open the call list");
            final List<FunctionCall> calls = new ArrayList<>(2);
            skipWhitespace();
            while (true) {
                if (atEnd()) {
                    throw error("unexpected end of text, expected a call or ']'");
                }
                if (peek() == ']') {
                    pos++;
                    return calls;
                }
                calls.add(call());
                skipWhitespace();
                if (atEnd()) {
                    throw error("unexpected end of text, expected ',' or ']'");
                }
                if (peek() == ',') {
                    pos++;
                    skipWhitespace();
                } else if (peek() != ']') {
                    throw error("expected ',' or ']' after a call but found '" + peek() + "'");
                }
            }
        }

        FunctionCall call() throws CallParseException {
            final int start = pos;
            if (peek() == ',') {
                throw error("expected a function name but found ','");
            }
            while (true) {
                if (atEnd()) {
                    throw new CallParseException(start, "function name without an argument list");
                }
                final char c = peek();
                if (!isNameChar(c)) {
                    throw error(c == '[' || c == ']'
                            ? "function name without an argument list"
                            : "control character in a function name");
                }
                if (c == '(' && opensArguments(text, pos)) {
                    break;
                }
                pos++;
            }
            final String name = text.substring(start, pos).strip();
            if (name.isEmpty()) {
                throw error("expected a function name before '('");
            }
            pos++;
            return new FunctionCall(name, arguments());
        }

        ObjectNode arguments() throws CallParseException {
            final ObjectNode args = NODES.objectNode();
            skipWhitespace();
            while (true) {
                if (atEnd()) {
                    throw error("unexpected end of text, expected an argument or ')'");
                }
                if (peek() == ')') {
                    pos++;
                    return args;
                }
                final int keyStart = pos;
                while (!atEnd() && isKeyChar(peek())) {
                    pos++;
                }
                if (pos == keyStart) {
                    throw error(atEnd() ? "unexpected end of text, expected an argument name" : "expected an argument name but found '" + peek() + "'");
                }
                final String key = text.substring(keyStart, pos);
                skipWhitespace();
                expect('=', "'=' after argument '" + key + "'");
                skipWhitespace();
                final JsonNode value = value();
                if (args.has(key)) {
                    throw new CallParseException(keyStart, "argument '" + key + "' given twice");
                }
                args.set(key, value);
                skipWhitespace();
                if (atEnd()) {
                    throw error("unexpected end of text, expected ',' or ')'");
                }
                if (peek() == ',') {
                    pos++;
                    skipWhitespace();
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' after an argument but found '" + peek() + "'");
                }
            }
        }

        JsonNode value() throws CallParseException {
            if (atEnd()) {
                throw error("unexpected end of text, expected a value");
            }
            final char c = peek();
            return switch (c) {
                case '"', '\'' -> NODES.textNode(string());
                case '[' -> sequence(']');
                case '(' -> sequence(')');
                case '{' -> dict();
                default -> {
                    if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    yield keyword();
                }
            };
        }

        private void enter() throws CallParseException {
            if (++depth > MAX_DEPTH) {
                throw error("values nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        ArrayNode sequence(final char close) throws CallParseException {
            enter();
            pos++;
            final ArrayNode items = NODES.arrayNode();
            skipWhitespace();
            while (true) {
                if (atEnd()) {
                    throw error("unexpected end of text, expected a value or '" + close + "'");
                }
                if (peek() == close) {
                    pos++;
                    depth--;
                    return items;
                }
                items.add(value());
                skipWhitespace();
                if (atEnd()) {
                    throw error("unexpected end of text, expected ',' or '" + close + "'");
                }
                if (peek() == ',') {
                    pos++;
                    skipWhitespace();
                } else if (peek() != close) {
                    throw error("expected ',' or '" + close + "' but found '" + peek() + "'");
                }
            }
        }

        ObjectNode dict() throws CallParseException {
            enter();
            pos++;
            final ObjectNode dict = NODES.objectNode();
            skipWhitespace();
            while (true) {
                if (atEnd()) {
                    throw error("unexpected end of text, expected a key or '}'");
                }
                if (peek() == '}') {
                    pos++;
                    depth--;
                    return dict;
                }
                final int keyStart = pos;
                final JsonNode key = value();
                if (!key.isValueNode() || key.isNull()) {
                    throw new CallParseException(keyStart, "dict keys must be strings, numbers or booleans");
                }
                skipWhitespace();
                expect(':', "':' after a dict key");
                skipWhitespace();
                // JSON objects only have string keys; Python's {1: "a"} becomes {"1": "a"}.
                dict.set(key.isTextual() ? key.textValue() : printValue(key), value());
                skipWhitespace();
                if (atEnd()) {
                    throw error("unexpected end of text, expected ',' or '}'");
                }
                if (peek() == ',') {
                    pos++;
                    skipWhitespace();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}' but found '" + peek() + "'");
                }
            }
        }

        String string() throws CallParseException {
            final char quote = peek();
            final int start = pos;
            pos++;
            final StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw new CallParseException(start, "unterminated string");
                }
                final char c = text.charAt(pos++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\n' || c == '\r') {
                    throw new CallParseException(pos - 1, "line break inside a string (write it as \\n)");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (atEnd()) {
                    throw new CallParseException(start, "unterminated string");
                }
                final char e = text.charAt(pos++);
                switch (e) {
                    case '\\', '\'', '"' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case 'a' -> out.append('\u0007');
                    case '0' -> out.append('\0');
                    case '\n' -> { } // a backslash before a line break continues the line
                    case 'x' -> out.append((char) hex(2));
                    case 'u' -> out.append((char) hex(4));
                    case 'U' -> {
                        final int cp = hex(8);
                        if (!Character.isValidCodePoint(cp)) {
                            throw new CallParseException(pos - 10, "\\U escape beyond Unicode");
                        }
                        out.appendCodePoint(cp);
                    }
                    // Python keeps an unknown escape as written, backslash included.
                    default -> out.append('\\').append(e);
                }
            }
        }

        private int hex(final int digits) throws CallParseException {
            if (pos + digits > text.length()) {
                throw error("truncated \\x, \\u or \\U escape");
            }
            int v = 0;
            for (int i = 0; i < digits; i++) {
                final int d = Character.digit(text.charAt(pos + i), 16);
                if (d < 0) {
                    throw new CallParseException(pos + i, "bad hex digit in an escape");
                }
                v = (v << 4) | d;
            }
            pos += digits;
            return v;
        }

        JsonNode number() throws CallParseException {
            final int start = pos;
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            final int intStart = pos;
            while (!atEnd() && isDigit(peek())) {
                pos++;
            }
            final int intDigits = pos - intStart;
            boolean floating = false;
            int fracDigits = 0;
            if (!atEnd() && peek() == '.') {
                floating = true;
                pos++;
                while (!atEnd() && isDigit(peek())) {
                    pos++;
                    fracDigits++;
                }
            }
            if (intDigits == 0 && fracDigits == 0) {
                throw new CallParseException(start, "expected a number");
            }
            if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
                floating = true;
                pos++;
                if (!atEnd() && (peek() == '+' || peek() == '-')) {
                    pos++;
                }
                final int expStart = pos;
                while (!atEnd() && isDigit(peek())) {
                    pos++;
                }
                if (pos == expStart) {
                    throw error("exponent without digits");
                }
            }
            if (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
                throw error("unexpected '" + peek() + "' in a number");
            }
            final String literal = text.substring(text.charAt(start) == '+' ? start + 1 : start, pos);
            if (floating) {
                final double d = Double.parseDouble(literal);
                if (Double.isInfinite(d)) {
                    // Python reads it as inf, but JSON has no infinity: no format could carry the call on.
                    throw new CallParseException(start, "float literal beyond the range of a double");
                }
                return NODES.numberNode(d);
            }
            if (intDigits > 1 && text.charAt(intStart) == '0') {
                throw new CallParseException(start, "integer with a leading zero (Python forbids it; quote it if it is a code)");
            }
            return integer(literal);
        }

        private static JsonNode integer(final String literal) {
            if (literal.length() <= 9) {
                return NODES.numberNode(Integer.parseInt(literal));
            }
            final BigInteger big = new BigInteger(literal);
            if (big.bitLength() < 32) {
                return NODES.numberNode(big.intValue());
            }
            if (big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
                return NODES.numberNode(big.longValue());
            }
            return NODES.numberNode(big);
        }

        private static boolean isDigit(final char c) {
            return c >= '0' && c <= '9';
        }

        JsonNode keyword() throws CallParseException {
            final int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
                pos++;
            }
            final String word = text.substring(start, pos);
            return switch (word) {
                case "True", "true" -> NODES.booleanNode(true);
                case "False", "false" -> NODES.booleanNode(false);
                case "None", "null" -> NODES.nullNode();
                case "" -> throw new CallParseException(start, "expected a value but found '" + text.charAt(start) + "'");
                default -> throw new CallParseException(start, "expected a value but found the bare word '" + word
                        + "' (strings need quotes)");
            };
        }
    }
}

package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON value types a schema can demand, and the type names that mean them. Besides JSON
 * Schema's names, schemas in the wild use Python's (ToolACE and BFCL: {@code dict}, {@code float},
 * {@code int}, {@code tuple}, {@code any}) and Java's or JavaScript's (BFCL's Java and JavaScript
 * categories: {@code String}, {@code HashMap}, {@code ArrayList}, {@code long}, {@code Boolean}).
 */
enum JsonType {
    STRING,
    /** An integral JSON number; {@code 2025.0} is not one (generators that emit it have a bug worth flagging). */
    INTEGER,
    /** Any JSON number, integers included. */
    NUMBER,
    /** {@code true} or {@code false}; never a number. */
    BOOLEAN,
    ARRAY,
    OBJECT,
    NULL;

    /** Bit set of no type: the schema accepts any value. */
    static final int ANY = 0;

    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("string", STRING.bit()), Map.entry("str", STRING.bit()),
            Map.entry("char", STRING.bit()), Map.entry("character", STRING.bit()),
            Map.entry("integer", INTEGER.bit()), Map.entry("int", INTEGER.bit()),
            Map.entry("long", INTEGER.bit()), Map.entry("short", INTEGER.bit()),
            Map.entry("byte", INTEGER.bit()), Map.entry("biginteger", INTEGER.bit()),
            Map.entry("number", NUMBER.bit()), Map.entry("float", NUMBER.bit()),
            Map.entry("double", NUMBER.bit()), Map.entry("decimal", NUMBER.bit()),
            Map.entry("bigdecimal", NUMBER.bit()),
            Map.entry("boolean", BOOLEAN.bit()), Map.entry("bool", BOOLEAN.bit()),
            Map.entry("array", ARRAY.bit()), Map.entry("list", ARRAY.bit()),
            Map.entry("tuple", ARRAY.bit()), Map.entry("arraylist", ARRAY.bit()),
            Map.entry("object", OBJECT.bit()), Map.entry("dict", OBJECT.bit()),
            Map.entry("dictionary", OBJECT.bit()), Map.entry("map", OBJECT.bit()),
            Map.entry("hashmap", OBJECT.bit()),
            Map.entry("null", NULL.bit()), Map.entry("none", NULL.bit()),
            Map.entry("any", ANY));

    int bit() {
        return 1 << ordinal();
    }

    /**
     * The type bits a type name means, {@link #ANY} for {@code any}, or {@code -1} for a name that
     * means nothing. Case is ignored: BFCL writes {@code String} and {@code string} alike.
     */
    static int bitsOf(final String name) {
        Integer bits = BY_NAME.get(name);
        if (bits == null) {
            bits = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        }
        return bits == null ? -1 : bits;
    }

    /** Whether a value has one of the types in {@code bits}; every value matches {@link #ANY}. */
    static boolean matches(final int bits, final JsonNode value) {
        return bits == ANY || (bits & bitsOfValue(value)) != 0;
    }

    /** The types a value has: an integer is also a number. */
    static int bitsOfValue(final JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> STRING.bit();
            case NUMBER -> value.isIntegralNumber() ? INTEGER.bit() | NUMBER.bit() : NUMBER.bit();
            case BOOLEAN -> BOOLEAN.bit();
            case ARRAY -> ARRAY.bit();
            case OBJECT -> OBJECT.bit();
            case NULL, MISSING -> NULL.bit();
            default -> 0;
        };
    }

    /** Names the types in {@code bits}, e.g. {@code integer or null}. */
    static String describe(final int bits) {
        if (bits == ANY) {
            return "any";
        }
        final StringBuilder out = new StringBuilder();
        for (final JsonType type : values()) {
            if ((bits & type.bit()) != 0) {
                if (out.length() > 0) {
                    out.append(" or ");
                }
                out.append(type.name().toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    /** What a value is, for messages: {@code float 2025.0}, {@code string "abc"}. */
    static String describeValue(final JsonNode value) {
        final String kind = switch (value.getNodeType()) {
            case NUMBER -> value.isIntegralNumber() ? "integer" : "float";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case ARRAY -> "list";
            case OBJECT -> "object";
            case NULL, MISSING -> "null";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
        if (value.isNull() || value.isMissingNode()) {
            return kind;
        }
        return kind + " " + shorten(value.toString());
    }

    /** At most 40 chars of a text for a message, never cutting a surrogate pair in half. */
    static String shorten(final String text) {
        if (text.length() <= 40) {
            return text;
        }
        final int cut = Character.isHighSurrogate(text.charAt(36)) ? 36 : 37;
        return text.substring(0, cut) + "...";
    }
}

package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The JSON type a schema declares, read in both dialects that reach the pool: JSON Schema
 * ({@code object}, {@code number}, ...) and the BFCL/ToolACE one ({@code dict}, {@code float},
 * {@code int}, {@code bool}, {@code list}, {@code tuple}, {@code any}, and the Java names BFCL uses,
 * {@code String}, {@code HashMap}, {@code long}, ...).
 */
public enum SchemaType {
    OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN, NULL, ANY;

    /**
     * The type a value for this schema should take. A union ({@code ["string","null"]}) yields its
     * first non-null member, because a generator should produce a real value, not null. A schema
     * without {@code type} is inferred from the keywords it carries ({@code properties} means object).
     */
    public static SchemaType of(final JsonNode schema) {
        final JsonNode type = schema.path("type");
        if (type.isTextual()) {
            return named(type.asText());
        }
        if (type.isArray()) {
            SchemaType first = NULL;
            for (final JsonNode member : type) {
                final SchemaType t = named(member.asText());
                if (t != NULL) {
                    return t;
                }
                first = t;
            }
            return first;
        }
        if (schema.has("properties")) {
            return OBJECT;
        }
        if (schema.has("items")) {
            return ARRAY;
        }
        return ANY;
    }

    /** Maps a type name of either dialect; an unknown name is {@link #ANY}, so no value is refused for it. */
    public static SchemaType named(final String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "object": case "dict": case "hashmap": case "map":
                return OBJECT;
            case "array": case "list": case "tuple": case "arraylist": case "set":
                return ARRAY;
            case "string": case "str": case "char":
                return STRING;
            case "integer": case "int": case "long": case "short": case "byte":
                return INTEGER;
            case "number": case "float": case "double":
                return NUMBER;
            case "boolean": case "bool":
                return BOOLEAN;
            case "null": case "none":
                return NULL;
            default:
                return ANY;
        }
    }

    /** Whether a JSON value has this type; an integral number counts as an integer, as JSON Schema says. */
    public boolean admits(final JsonNode value) {
        switch (this) {
            case OBJECT: return value.isObject();
            case ARRAY: return value.isArray();
            case STRING: return value.isTextual();
            case INTEGER: return value.isIntegralNumber()
                    || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case NUMBER: return value.isNumber();
            case BOOLEAN: return value.isBoolean();
            case NULL: return value.isNull();
            default: return true;
        }
    }

    /** Whether the schema's declared type (every member of a union) admits the value. */
    public static boolean schemaAdmits(final JsonNode schema, final JsonNode value) {
        final JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (final JsonNode member : type) {
                if (named(member.asText()).admits(value)) {
                    return true;
                }
            }
            return type.isEmpty();
        }
        return !type.isTextual() || named(type.asText()).admits(value);
    }
}

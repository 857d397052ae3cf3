package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * A parameter schema compiled once per tool, then checked against each call's arguments.
 *
 * <p>Reads JSON Schema and the BFCL/ToolACE dialect alike: type names as in {@link JsonType},
 * {@code "required": null}, {@code "optional": true} on a property, draft-3 {@code "required": true}
 * on a property, {@code "nullable": true}, {@code type} lists such as {@code ["string", "null"]},
 * {@code items} as one schema or a tuple list, {@code anyOf}/{@code oneOf} (both read as "at least
 * one matches"), {@code allOf}, {@code enum}, {@code const}, {@code pattern}, {@code format},
 * numeric bounds (draft-4 boolean and draft-6 numeric exclusive bounds) and length bounds.
 * Unknown keywords are annotations and ignored, as JSON Schema prescribes.
 *
 * <p>Compiling never throws: a malformed schema compiles to the checks that can be made sense of,
 * and each problem is reported, so one bad keyword neither hides the others nor stops the calls
 * from being checked.
 */
final class ParamSchema {

    /** Where a check reports a broken argument. */
    interface Sink {
        void report(Rule rule, String path, String message);
    }

    /** Accepts everything: the schema of an argument whose schema is unusable. */
    static final ParamSchema ANY = new ParamSchema();

    private static final int MAX_ENUM_SHOWN = 8;
    /** Real schemas nest a handful of levels; BFCL's deepest is 4. */
    private static final int MAX_DEPTH = 64;

    private final int types;
    private final List<JsonNode> enumValues;
    private final SchemaPattern pattern;
    private final StringFormat format;
    private final double minimum;
    private final double maximum;
    private final boolean minimumExclusive;
    private final boolean maximumExclusive;
    private final int minLength;
    private final int maxLength;
    private final int minItems;
    private final int maxItems;
    private final Map<String, ParamSchema> properties;
    private final Set<String> required;
    private final ParamSchema items;
    private final List<ParamSchema> tupleItems;
    /** {@code null}: not stated; otherwise whether undeclared object keys are allowed. */
    private final Boolean additionalAllowed;
    private final ParamSchema additionalSchema;
    private final List<ParamSchema> anyOf;
    private final List<ParamSchema> allOf;
    /** Dialect flags on the property itself: draft 3's {@code "required": true}, BFCL's {@code "optional": true}. */
    private final boolean markedRequired;
    private final boolean markedOptional;

    private ParamSchema() {
        types = JsonType.ANY;
        enumValues = null;
        pattern = null;
        format = null;
        minimum = Double.NaN;
        maximum = Double.NaN;
        minimumExclusive = false;
        maximumExclusive = false;
        minLength = -1;
        maxLength = -1;
        minItems = -1;
        maxItems = -1;
        properties = null;
        required = Set.of();
        items = null;
        tupleItems = null;
        additionalAllowed = null;
        additionalSchema = null;
        anyOf = null;
        allOf = null;
        markedRequired = false;
        markedOptional = false;
    }

    private ParamSchema(final Keywords k, final String path, final List<String> problems, final int depth) {
        markedRequired = k.required != null && k.required.isBoolean() && k.required.booleanValue();
        markedOptional = k.optional != null && k.optional.asBoolean(false);
        types = types(k, path, problems);
        enumValues = enumValues(k, path, problems, types);
        pattern = pattern(k.pattern, path, problems);
        format = k.format != null && k.format.isTextual() ? StringFormat.byName(k.format.textValue()) : null;

        final double inclusiveMin = number(k.minimum, "minimum", path, problems);
        final double inclusiveMax = number(k.maximum, "maximum", path, problems);
        // Draft 6+: exclusiveMinimum is the bound itself; draft 4: a flag on minimum.
        if (k.exclusiveMinimum != null && k.exclusiveMinimum.isNumber()) {
            minimum = k.exclusiveMinimum.doubleValue();
            minimumExclusive = true;
        } else {
            minimum = inclusiveMin;
            minimumExclusive = k.exclusiveMinimum != null && k.exclusiveMinimum.asBoolean(false);
        }
        if (k.exclusiveMaximum != null && k.exclusiveMaximum.isNumber()) {
            maximum = k.exclusiveMaximum.doubleValue();
            maximumExclusive = true;
        } else {
            maximum = inclusiveMax;
            maximumExclusive = k.exclusiveMaximum != null && k.exclusiveMaximum.asBoolean(false);
        }
        if (minimum > maximum) {
            problems.add(where(path) + "minimum " + plain(minimum) + " is above maximum " + plain(maximum));
        }
        minLength = count(k.minLength, "minLength", path, problems);
        maxLength = count(k.maxLength, "maxLength", path, problems);
        minItems = count(k.minItems, "minItems", path, problems);
        maxItems = count(k.maxItems, "maxItems", path, problems);
        if (maxLength >= 0 && minLength > maxLength) {
            problems.add(where(path) + "minLength " + minLength + " is above maxLength " + maxLength);
        }
        if (maxItems >= 0 && minItems > maxItems) {
            problems.add(where(path) + "minItems " + minItems + " is above maxItems " + maxItems);
        }

        properties = properties(k.properties, path, problems, depth);
        required = required(k.required, path, problems);

        if (k.items != null && k.items.isArray()) {
            final List<ParamSchema> tuple = new ArrayList<>(k.items.size());
            for (int i = 0; i < k.items.size(); i++) {
                tuple.add(compile(k.items.get(i), path + "[" + i + "]", problems, depth + 1));
            }
            tupleItems = List.copyOf(tuple);
            items = null;
        } else {
            tupleItems = null;
            items = k.items == null || k.items.isNull() ? null : compile(k.items, path + "[]", problems, depth + 1);
        }

        if (k.additionalProperties == null || k.additionalProperties.isNull()) {
            additionalAllowed = null;
            additionalSchema = null;
        } else if (k.additionalProperties.isBoolean()) {
            additionalAllowed = k.additionalProperties.booleanValue();
            additionalSchema = null;
        } else {
            additionalAllowed = Boolean.TRUE;
            additionalSchema = compile(k.additionalProperties, path + ".*", problems, depth + 1);
        }
        final List<ParamSchema> alternatives = alternatives(k.anyOf, "anyOf", path, problems, depth);
        final List<ParamSchema> oneOf = alternatives(k.oneOf, "oneOf", path, problems, depth);
        anyOf = alternatives == null ? oneOf : oneOf == null ? alternatives : concat(alternatives, oneOf);
        allOf = alternatives(k.allOf, "allOf", path, problems, depth);
    }

    /**
     * The keywords of one schema object, collected in a single pass over its fields: a schema has a
     * handful of fields, and looking up each of the twenty-odd keywords by name costs more than
     * walking them once, at the rule layer's throughput goal.
     */
    private static final class Keywords {
        JsonNode type;
        JsonNode nullable;
        JsonNode enumValues;
        JsonNode constant;
        JsonNode pattern;
        JsonNode format;
        JsonNode minimum;
        JsonNode maximum;
        JsonNode exclusiveMinimum;
        JsonNode exclusiveMaximum;
        JsonNode minLength;
        JsonNode maxLength;
        JsonNode minItems;
        JsonNode maxItems;
        JsonNode properties;
        JsonNode required;
        JsonNode optional;
        JsonNode items;
        JsonNode additionalProperties;
        JsonNode anyOf;
        JsonNode oneOf;
        JsonNode allOf;

        Keywords(final JsonNode schema) {
            final Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                final JsonNode v = field.getValue();
                switch (field.getKey()) {
                    case "type" -> type = v;
                    case "nullable" -> nullable = v;
                    case "enum" -> enumValues = v;
                    case "const" -> constant = v;
                    case "pattern" -> pattern = v;
                    case "format" -> format = v;
                    case "minimum" -> minimum = v;
                    case "maximum" -> maximum = v;
                    case "exclusiveMinimum" -> exclusiveMinimum = v;
                    case "exclusiveMaximum" -> exclusiveMaximum = v;
                    case "minLength" -> minLength = v;
                    case "maxLength" -> maxLength = v;
                    case "minItems" -> minItems = v;
                    case "maxItems" -> maxItems = v;
                    case "properties" -> properties = v;
                    case "required" -> required = v;
                    case "optional" -> optional = v;
                    case "items" -> items = v;
                    case "additionalProperties" -> additionalProperties = v;
                    case "anyOf" -> anyOf = v;
                    case "oneOf" -> oneOf = v;
                    case "allOf" -> allOf = v;
                    default -> { } // annotations: description, default, title, examples, ...
                }
            }
        }
    }

    /**
     * Compiles a schema, adding a description of each problem found to {@code problems}.
     *
     * @param path the parameter path for messages, e.g. {@code budget.min}
     */
    static ParamSchema compile(final JsonNode schema, final String path, final List<String> problems) {
        return compile(schema, path, problems, 0);
    }

    private static ParamSchema compile(final JsonNode schema, final String path, final List<String> problems, final int depth) {
        if (schema == null || !schema.isObject()) {
            problems.add(where(path) + "schema is " + (schema == null ? "missing" : JsonType.describeValue(schema))
                    + ", expected an object");
            return ANY;
        }
        if (depth > MAX_DEPTH) {
            // Compiling and checking recurse; hostile nesting must not overflow a stream thread's stack.
            problems.add(where(path) + "schema nested deeper than " + MAX_DEPTH + " levels");
            return ANY;
        }
        return new ParamSchema(new Keywords(schema), path, problems, depth);
    }

    /** The declared types as bits of {@link JsonType}; {@link JsonType#ANY} when unconstrained. */
    int types() {
        return types;
    }

    /** Declared properties, or {@code null} when the schema declares none. */
    Map<String, ParamSchema> properties() {
        return properties;
    }

    Set<String> required() {
        return required;
    }

    /**
     * Whether an object may carry a key its schema does not declare. Unless the schema says so,
     * the arguments of a call may not ({@code closedByDefault}), while nested objects may, as in
     * JSON Schema.
     */
    boolean allowsUndeclared(final boolean closedByDefault) {
        return additionalAllowed == null ? !closedByDefault : additionalAllowed;
    }

    /** Checks one value, reporting each problem under its rule. */
    void check(final JsonNode value, final String path, final Sink sink) {
        if (!JsonType.matches(types, value)) {
            sink.report(Rule.CALL_TYPE_MISMATCH, path, "expected " + JsonType.describe(types) + ", got " + JsonType.describeValue(value));
            return;
        }
        if (anyOf != null && !matchesAny(value)) {
            sink.report(Rule.CALL_TYPE_MISMATCH, path, JsonType.describeValue(value) + " matches none of the schema's alternatives");
            return;
        }
        if (allOf != null) {
            for (final ParamSchema part : allOf) {
                part.check(value, path, sink);
            }
        }
        if (enumValues != null && !inEnum(value)) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, JsonType.describeValue(value) + " is not one of " + enumText());
            return;
        }
        switch (value.getNodeType()) {
            case STRING -> checkString(value.textValue(), path, sink);
            case NUMBER -> checkNumber(value, path, sink);
            case ARRAY -> checkArray(value, path, sink);
            case OBJECT -> checkObject(value, path, sink);
            default -> { }
        }
    }

    private void checkString(final String s, final String path, final Sink sink) {
        if (minLength >= 0 || maxLength >= 0) {
            final int length = s.codePointCount(0, s.length());
            if (minLength >= 0 && length < minLength) {
                sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, "has " + length + " characters, fewer than minLength " + minLength);
            }
            if (maxLength >= 0 && length > maxLength) {
                sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, "has " + length + " characters, more than maxLength " + maxLength);
            }
        }
        if (pattern != null) {
            switch (pattern.find(s)) {
                case NOT_FOUND -> sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, shorten(s) + " does not match the pattern " + pattern.source());
                case UNCHECKED -> sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, "has " + s.length()
                        + " characters, too many to check against the pattern " + pattern.source() + " within the verifier's limits");
                case FOUND -> { }
            }
        }
        if (format != null && !format.accepts(s)) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, shorten(s) + " is not a valid " + format.schemaName());
        }
    }

    private void checkNumber(final JsonNode value, final String path, final Sink sink) {
        final double v = value.doubleValue();
        if (!Double.isNaN(minimum) && (minimumExclusive ? v <= minimum : v < minimum)) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, value.asText() + " is below the "
                    + (minimumExclusive ? "exclusive " : "") + "minimum " + plain(minimum));
        }
        if (!Double.isNaN(maximum) && (maximumExclusive ? v >= maximum : v > maximum)) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, value.asText() + " is above the "
                    + (maximumExclusive ? "exclusive " : "") + "maximum " + plain(maximum));
        }
    }

    private void checkArray(final JsonNode array, final String path, final Sink sink) {
        final int size = array.size();
        if (minItems >= 0 && size < minItems) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, "has " + size + " items, fewer than minItems " + minItems);
        }
        if (maxItems >= 0 && size > maxItems) {
            sink.report(Rule.CALL_CONSTRAINT_VIOLATION, path, "has " + size + " items, more than maxItems " + maxItems);
        }
        if (tupleItems != null) {
            for (int i = 0; i < Math.min(size, tupleItems.size()); i++) {
                tupleItems.get(i).check(array.get(i), path + "[" + i + "]", sink);
            }
        } else if (items != null) {
            for (int i = 0; i < size; i++) {
                items.check(array.get(i), path + "[" + i + "]", sink);
            }
        }
    }

    private void checkObject(final JsonNode object, final String path, final Sink sink) {
        final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final ParamSchema declared = properties == null ? null : properties.get(field.getKey());
            final String fieldPath = join(path, field.getKey());
            if (declared != null) {
                declared.check(field.getValue(), fieldPath, sink);
            } else if (additionalSchema != null) {
                additionalSchema.check(field.getValue(), fieldPath, sink);
            } else if (!allowsUndeclared(false)) {
                sink.report(Rule.CALL_UNKNOWN_PARAM, fieldPath, "is not a declared key");
            }
        }
        for (final String name : required) {
            if (!object.has(name)) {
                sink.report(Rule.CALL_MISSING_REQUIRED, path, "misses the required key '" + name + "'");
            }
        }
    }

    private boolean matchesAny(final JsonNode value) {
        for (final ParamSchema alternative : anyOf) {
            final boolean[] broken = {false};
            alternative.check(value, "", (rule, path, message) -> broken[0] = true);
            if (!broken[0]) {
                return true;
            }
        }
        return false;
    }

    private boolean inEnum(final JsonNode value) {
        for (final JsonNode allowed : enumValues) {
            if (sameValue(allowed, value)) {
                return true;
            }
        }
        return false;
    }

    /** JSON equality, except that numbers compare by value: {@code 1} equals {@code 1.0}. */
    private static boolean sameValue(final JsonNode a, final JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber()) {
                return a.bigIntegerValue().equals(b.bigIntegerValue());
            }
            // Jackson reads 1e999 as an infinite double, which has no decimal value.
            if (isInfinite(a) || isInfinite(b)) {
                return a.doubleValue() == b.doubleValue();
            }
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    /** Whether a value is an infinite double or float: what Jackson reads for a literal like {@code 1e999}. */
    static boolean isInfinite(final JsonNode value) {
        return (value.isDouble() || value.isFloat()) && Double.isInfinite(value.doubleValue());
    }

    private String enumText() {
        final StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < Math.min(enumValues.size(), MAX_ENUM_SHOWN); i++) {
            out.append(i == 0 ? "" : ", ").append(enumValues.get(i));
        }
        if (enumValues.size() > MAX_ENUM_SHOWN) {
            out.append(", ... ").append(enumValues.size() - MAX_ENUM_SHOWN).append(" more");
        }
        return out.append(']').toString();
    }

    private static int types(final Keywords k, final String path, final List<String> problems) {
        final JsonNode type = k.type;
        int bits;
        if (type == null || type.isNull()) {
            bits = k.properties != null ? JsonType.OBJECT.bit() : k.items != null ? JsonType.ARRAY.bit() : JsonType.ANY;
        } else if (type.isTextual()) {
            bits = typeBits(type.textValue(), path, problems);
        } else if (type.isArray() && !type.isEmpty()) {
            bits = 0;
            for (final JsonNode name : type) {
                final int one = typeBits(name.isTextual() ? name.textValue() : name.toString(), path, problems);
                // "any" in a list widens the whole list to any type.
                if (one == JsonType.ANY) {
                    return JsonType.ANY;
                }
                bits |= one;
            }
        } else {
            problems.add(where(path) + "'type' is " + JsonType.describeValue(type) + ", expected a type name or a list of them");
            bits = JsonType.ANY;
        }
        if (bits != JsonType.ANY && k.nullable != null && k.nullable.asBoolean(false)) {
            bits |= JsonType.NULL.bit();
        }
        return bits;
    }

    private static int typeBits(final String name, final String path, final List<String> problems) {
        final int bits = JsonType.bitsOf(name);
        if (bits < 0) {
            problems.add(where(path) + "unknown type '" + name + "'");
            return JsonType.ANY;
        }
        return bits;
    }

    private static List<JsonNode> enumValues(final Keywords k, final String path, final List<String> problems, final int types) {
        if (k.constant != null) {
            return List.of(k.constant);
        }
        final JsonNode values = k.enumValues;
        if (values == null || values.isNull()) {
            return null;
        }
        if (!values.isArray() || values.isEmpty()) {
            problems.add(where(path) + "'enum' is " + JsonType.describeValue(values) + ", expected a non-empty list");
            return null;
        }
        final List<JsonNode> list = new ArrayList<>(values.size());
        for (final JsonNode value : values) {
            if (!JsonType.matches(types, value)) {
                problems.add(where(path) + "enum value " + JsonType.describeValue(value) + " is not of the declared type " + JsonType.describe(types));
            }
            list.add(value);
        }
        return List.copyOf(list);
    }

    private static SchemaPattern pattern(final JsonNode source, final String path, final List<String> problems) {
        if (source == null || source.isNull()) {
            return null;
        }
        if (!source.isTextual()) {
            problems.add(where(path) + "'pattern' is " + JsonType.describeValue(source) + ", expected a string");
            return null;
        }
        try {
            return SchemaPattern.compile(source.textValue());
        } catch (final PatternSyntaxException e) {
            problems.add(where(path) + "'pattern' is not a valid regular expression: " + e.getDescription());
            return null;
        }
    }

    private static double number(final JsonNode node, final String keyword, final String path, final List<String> problems) {
        if (node == null || node.isNull()) {
            return Double.NaN;
        }
        if (!node.isNumber()) {
            problems.add(where(path) + "'" + keyword + "' is " + JsonType.describeValue(node) + ", expected a number");
            return Double.NaN;
        }
        return node.doubleValue();
    }

    private static int count(final JsonNode node, final String keyword, final String path, final List<String> problems) {
        if (node == null || node.isNull()) {
            return -1;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            problems.add(where(path) + "'" + keyword + "' is " + JsonType.describeValue(node) + ", expected a non-negative integer");
            return -1;
        }
        return node.intValue();
    }

    private static Map<String, ParamSchema> properties(final JsonNode node, final String path, final List<String> problems,
            final int depth) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(where(path) + "'properties' is " + JsonType.describeValue(node) + ", expected an object");
            return null;
        }
        final Map<String, ParamSchema> compiled = new LinkedHashMap<>(Math.max(4, node.size() * 2));
        final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            compiled.put(field.getKey(), compile(field.getValue(), join(path, field.getKey()), problems, depth + 1));
        }
        return Collections.unmodifiableMap(compiled);
    }

    /**
     * The required property names: the {@code required} list, plus properties flagged required on
     * themselves, minus properties flagged optional (BFCL's flag wins over a listing).
     */
    private Set<String> required(final JsonNode node, final String path, final List<String> problems) {
        final Set<String> names = new LinkedHashSet<>();
        if (node != null && node.isArray()) {
            for (final JsonNode name : node) {
                if (!name.isTextual()) {
                    problems.add(where(path) + "'required' lists " + JsonType.describeValue(name) + ", expected property names");
                } else if (properties == null || !properties.containsKey(name.textValue())) {
                    problems.add(where(path) + "required '" + name.textValue() + "' is not a declared property");
                } else {
                    names.add(name.textValue());
                }
            }
        } else if (node != null && !node.isNull() && !node.isBoolean()) {
            // null is the dialect's "nothing required"; a boolean is draft 3's flag, read by the parent.
            problems.add(where(path) + "'required' is " + JsonType.describeValue(node) + ", expected a list of property names");
        }
        if (properties != null) {
            properties.forEach((name, property) -> {
                if (property.markedRequired) {
                    names.add(name);
                }
                if (property.markedOptional) {
                    names.remove(name);
                }
            });
        }
        return names.isEmpty() ? Set.of() : Collections.unmodifiableSet(names);
    }

    private static List<ParamSchema> alternatives(final JsonNode node, final String keyword, final String path,
            final List<String> problems, final int depth) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add(where(path) + "'" + keyword + "' is " + JsonType.describeValue(node) + ", expected a non-empty list of schemas");
            return null;
        }
        final List<ParamSchema> compiled = new ArrayList<>(node.size());
        for (final JsonNode alternative : node) {
            compiled.add(compile(alternative, path, problems, depth + 1));
        }
        return List.copyOf(compiled);
    }

    private static List<ParamSchema> concat(final List<ParamSchema> a, final List<ParamSchema> b) {
        final List<ParamSchema> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    static String join(final String path, final String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String where(final String path) {
        return path.isEmpty() ? "" : "'" + path + "': ";
    }

    private static String shorten(final String s) {
        return '"' + JsonType.shorten(s) + '"';
    }

    private static String plain(final double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}

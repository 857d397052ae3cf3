package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes JSON values that satisfy a JSON Schema (see {@link SchemaCheck} for the keywords honoured),
 * realistic where the property name hints at a meaning: a {@code city} is a city, a
 * {@code departure_date} a date, an {@code order_id} looks like {@code ORD-48213}. Every value is
 * checked against its schema before it is returned; a schema no value can satisfy (contradictory
 * bounds, a pattern outside the {@link RegexForge} subset) fails with an error that names the
 * property, never with a silently wrong value.
 */
public final class ValueForge {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int ATTEMPTS = 6;
    private static final int HINT_DRAWS = 4;
    /** Items in a generated array when the schema leaves the count open. */
    private static final int DEFAULT_EXTRA_ITEMS = 2;
    private static final LocalDate FIRST_DATE = LocalDate.of(2025, 1, 1);
    private static final int DATE_SPAN_DAYS = 730;

    private ValueForge() {}

    /**
     * A value for the property {@code name} with this schema. Optional properties of nested objects
     * are included with probability {@code optionalShare} (1 for simulated results, which should be
     * complete; less for arguments, where a user leaves details out).
     */
    public static JsonNode value(final String name, final JsonNode schema, final double optionalShare,
            final SplittableRandom rnd) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final JsonNode v = draft(name, schema, optionalShare, rnd, attempt);
            // The parts of a container were each checked when made; only its own level is left to check.
            if (v.isContainerNode() && !schema.has("enum") && !schema.has("const")
                    ? SchemaCheck.conformsShallow(schema, v) : SchemaCheck.conforms(schema, v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("cannot generate a value for '" + name + "' satisfying " + schema
                + ": " + SchemaCheck.violations(schema, draft(name, schema, optionalShare, rnd, ATTEMPTS)));
    }

    /** One candidate; later attempts fall back from realistic to merely valid values. */
    private static JsonNode draft(final String name, final JsonNode schema, final double optionalShare,
            final SplittableRandom rnd, final int attempt) {
        if (schema.has("const")) {
            return schema.get("const");
        }
        final JsonNode enumeration = schema.get("enum");
        if (enumeration != null && enumeration.isArray() && !enumeration.isEmpty()) {
            return enumeration.get(rnd.nextInt(enumeration.size()));
        }
        switch (SchemaType.of(schema)) {
            case OBJECT: return object(schema, optionalShare, rnd);
            case ARRAY: return array(name, schema, optionalShare, rnd);
            case INTEGER: return LongNode.valueOf(integer(name, schema, rnd));
            case NUMBER: return DoubleNode.valueOf(number(name, schema, rnd));
            case BOOLEAN: return BooleanNode.valueOf(rnd.nextBoolean());
            case NULL: return NullNode.getInstance();
            default: return TextNode.valueOf(string(name, schema, rnd, attempt));
        }
    }

    private static ObjectNode object(final JsonNode schema, final double optionalShare, final SplittableRandom rnd) {
        final ObjectNode out = NODES.objectNode();
        final Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (final Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            if (required.contains(p.getKey()) || rnd.nextDouble() < optionalShare) {
                out.set(p.getKey(), value(p.getKey(), p.getValue(), optionalShare, rnd));
            }
        }
        for (final String name : required) {
            if (!out.has(name)) {
                // Required but never declared (it happens in pool APIs): the name is all there is to go on.
                out.set(name, value(name, NODES.objectNode(), optionalShare, rnd));
            }
        }
        final JsonNode additional = schema.get("additionalProperties");
        if (out.isEmpty() && !schema.has("properties") && (additional == null || additional.isObject())) {
            // A free-form map ("dict" without properties): one entry, named like a real key.
            final String key = Lexicon.pick(Lexicon.WORDS, rnd);
            out.set(key, additional == null ? TextNode.valueOf(Lexicon.pick(Lexicon.WORDS, rnd))
                    : value(key, additional, optionalShare, rnd));
        }
        return out;
    }

    private static ArrayNode array(final String name, final JsonNode schema, final double optionalShare,
            final SplittableRandom rnd) {
        final ArrayNode out = NODES.arrayNode();
        final JsonNode items = schema.get("items");
        if (items != null && items.isArray()) {
            for (final JsonNode itemSchema : items) {
                out.add(value(name, itemSchema, optionalShare, rnd));
            }
            return out;
        }
        final int maxItems = schema.path("maxItems").asInt(Integer.MAX_VALUE);
        final int min = Math.min(Math.max(schema.path("minItems").asInt(0), 1), maxItems);
        final int max = (int) Math.min(maxItems, (long) min + DEFAULT_EXTRA_ITEMS);
        final int size = min + rnd.nextInt(max - min + 1);
        final JsonNode itemSchema = items == null ? NODES.objectNode().put("type", "string") : items;
        final String itemName = singular(name);
        final Set<JsonNode> seen = new HashSet<>();
        for (int i = 0; i < size; i++) {
            // Distinct items read naturally ("Paris and Rome", not "Paris and Paris"); retry a few times.
            JsonNode item = value(itemName, itemSchema, optionalShare, rnd);
            for (int retry = 0; retry < ATTEMPTS && seen.contains(item); retry++) {
                item = value(itemName, itemSchema, optionalShare, rnd);
            }
            // When fewer distinct values exist than items are needed, a repeat stays: the schema guard
            // refuses it only if uniqueItems demands distinct items.
            seen.add(item);
            out.add(item);
        }
        return out;
    }

    static String singular(final String name) {
        if (name.endsWith("ies") && name.length() > 4) {
            return name.substring(0, name.length() - 3) + "y";
        }
        if (name.endsWith("s") && !name.endsWith("ss") && name.length() > 3) {
            return name.substring(0, name.length() - 1);
        }
        return name;
    }

    // ---- numbers ------------------------------------------------------------------------------

    private static long integer(final String name, final JsonNode schema, final SplittableRandom rnd) {
        final double[] range = range(name, schema, 1);
        final long lo = (long) Math.ceil(range[0]);
        final long hi = (long) Math.floor(range[1]);
        final long multipleOf = schema.path("multipleOf").isIntegralNumber() ? schema.get("multipleOf").asLong() : 1;
        if (multipleOf > 1) {
            final long first = Math.floorDiv(lo + multipleOf - 1, multipleOf);
            final long last = Math.floorDiv(hi, multipleOf);
            return multipleOf * (first + (last > first ? rnd.nextLong(last - first + 1) : 0));
        }
        return hi > lo ? lo + rnd.nextLong(hi - lo + 1) : lo;
    }

    private static double number(final String name, final JsonNode schema, final SplittableRandom rnd) {
        final double[] range = range(name, schema, 0.01);
        final double raw = range[0] + rnd.nextDouble() * (range[1] - range[0]);
        // Two decimals: values read like prices and readings, and print without exponents in a user turn.
        final double rounded = BigDecimal.valueOf(raw).setScale(2, RoundingMode.HALF_UP).doubleValue();
        return Math.min(Math.max(rounded, range[0]), range[1]);
    }

    /**
     * The range to draw from: the name's realistic range intersected with the schema's bounds
     * (exclusive bounds moved inward by {@code step}); the schema's own range when they don't meet.
     */
    private static double[] range(final String name, final JsonNode schema, final double step) {
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (schema.path("minimum").isNumber()) {
            lo = schema.get("minimum").asDouble() + (schema.path("exclusiveMinimum").asBoolean(false) ? step : 0);
        }
        if (schema.path("exclusiveMinimum").isNumber()) {
            lo = Math.max(lo, schema.get("exclusiveMinimum").asDouble() + step);
        }
        if (schema.path("maximum").isNumber()) {
            hi = schema.get("maximum").asDouble() - (schema.path("exclusiveMaximum").asBoolean(false) ? step : 0);
        }
        if (schema.path("exclusiveMaximum").isNumber()) {
            hi = Math.min(hi, schema.get("exclusiveMaximum").asDouble() - step);
        }
        final double[] hint = NameHints.numberRange(name);
        final double a = Math.max(lo, hint[0]);
        final double b = Math.min(hi, hint[1]);
        if (a <= b) {
            return new double[] {a, b};
        }
        if (Double.isInfinite(lo) && Double.isInfinite(hi)) {
            return hint;
        }
        if (Double.isInfinite(hi)) {
            return new double[] {lo, lo + 100};
        }
        if (Double.isInfinite(lo)) {
            return new double[] {hi - 100, hi};
        }
        return new double[] {lo, hi};
    }

    // ---- strings ------------------------------------------------------------------------------

    /**
     * Attempt 0 prefers meaning (a format value, else the name's hint), falling back to the pattern,
     * as do attempts 1 and 2; later attempts give plain letters of a fitting length. The caller keeps
     * a candidate only if it meets the schema.
     */
    private static String string(final String name, final JsonNode schema, final SplittableRandom rnd, final int attempt) {
        final int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        final int minLength = Math.min(Math.max(schema.path("minLength").asInt(0), 1), maxLength);
        final String format = schema.path("format").asText("");
        final String pattern = schema.path("pattern").asText("");
        if (attempt == 0) {
            // A pool may mix fitting and unfitting values (airports and cities for an IATA pattern): draw a few.
            for (int draw = 0; draw < HINT_DRAWS; draw++) {
                final String meaningful = format.isEmpty() ? NameHints.text(name, schema, rnd) : formatted(format, name, rnd);
                if (meaningful == null) {
                    break;
                }
                if (SchemaCheck.conforms(schema, TextNode.valueOf(meaningful))) {
                    return meaningful;
                }
            }
        }
        if (!pattern.isEmpty() && attempt <= 2) {
            return RegexForge.of(pattern).generate(rnd, minLength, maxLength);
        }
        return letters(rnd, minLength, maxLength);
    }

    /** A value of a known format, or null when the format is one this forge does not know. */
    private static String formatted(final String format, final String name, final SplittableRandom rnd) {
        switch (format) {
            case "date": return date(rnd);
            case "date-time": return date(rnd) + "T" + clock(rnd) + ":00Z";
            case "time": return clock(rnd) + ":00";
            case "email": return email(rnd);
            case "uri": case "url": return "https://www.example.com/" + Lexicon.pick(Lexicon.WORDS, rnd);
            case "uuid": return uuid(rnd);
            case "ipv4": return "192.168." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
            case "hostname": return Lexicon.pick(Lexicon.WORDS, rnd) + ".example.com";
            default: return NameHints.text(name, NODES.objectNode(), rnd);
        }
    }

    static String date(final SplittableRandom rnd) {
        return FIRST_DATE.plusDays(rnd.nextInt(DATE_SPAN_DAYS)).toString();
    }

    /** A time on the quarter hour between 07:00 and 21:45, as HH:MM. */
    static String clock(final SplittableRandom rnd) {
        final int hour = 7 + rnd.nextInt(15);
        final int minute = 15 * rnd.nextInt(4);
        return (hour < 10 ? "0" : "") + hour + ":" + (minute < 10 ? "0" : "") + minute;
    }

    static String email(final SplittableRandom rnd) {
        return (Lexicon.pick(Lexicon.FIRST_NAMES, rnd) + "." + Lexicon.pick(Lexicon.LAST_NAMES, rnd))
                .toLowerCase(Locale.ROOT) + "@example.com";
    }

    private static String uuid(final SplittableRandom rnd) {
        return new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString();
    }

    /** Lowercase letters, a length within the bounds and at most twelve. */
    static String letters(final SplittableRandom rnd, final int minLength, final int maxLength) {
        final int length = Math.max(minLength, Math.min(maxLength, Math.max(minLength, 6 + rnd.nextInt(7))));
        final StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + rnd.nextInt(26)));
        }
        return s.toString();
    }
}

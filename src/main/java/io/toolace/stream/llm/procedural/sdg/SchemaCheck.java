package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a JSON value against a JSON Schema (either type dialect, see {@link SchemaType}): type,
 * {@code enum}, {@code const}, numeric bounds (exclusive ones in draft-4 and draft-6 form),
 * {@code multipleOf}, string lengths, {@code pattern} (a search, as JSON Schema defines it),
 * {@code format} (date, date-time, time, email, uri, uuid, ipv4, hostname), array items, item counts,
 * {@code uniqueItems}, object properties, {@code required} and {@code additionalProperties: false}.
 *
 * <p>The value generator guards every value it makes with this check, the tool-response judge checks
 * simulated results with it, and tests check calls with it: one definition of "conforms".
 */
public final class SchemaCheck {

    private static final int CACHE_LIMIT = 10_000;
    private static final int DATE_LENGTH = 10;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Pattern TIME = Pattern.compile("^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})?$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:\\S+$");
    private static final Pattern UUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern HOSTNAME = Pattern.compile("^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");

    private SchemaCheck() {}

    /** Whether the value conforms. */
    public static boolean conforms(final JsonNode schema, final JsonNode value) {
        return violations(schema, value, 1).isEmpty();
    }

    /** Every violation, each as "path: what is wrong"; empty when the value conforms. */
    public static List<String> violations(final JsonNode schema, final JsonNode value) {
        return violations(schema, value, Integer.MAX_VALUE);
    }

    /** At most {@code limit} violations; a limit of one makes a yes/no check stop at the first. */
    public static List<String> violations(final JsonNode schema, final JsonNode value, final int limit) {
        final List<String> out = new ArrayList<>(2);
        check(schema, value, "$", out, limit, true);
        return out;
    }

    /**
     * Whether the value conforms at its own level (type, enum, bounds, item counts, required and
     * undeclared properties) without descending into items and property values: for a builder that
     * has already checked each part.
     */
    static boolean conformsShallow(final JsonNode schema, final JsonNode value) {
        final List<String> out = new ArrayList<>(1);
        check(schema, value, "$", out, 1, false);
        return out.isEmpty();
    }

    private static void check(final JsonNode schema, final JsonNode value, final String path,
            final List<String> out, final int limit, final boolean deep) {
        if (out.size() >= limit || !schema.isObject()) {
            return;
        }
        if (!SchemaType.schemaAdmits(schema, value)) {
            out.add(path + ": expected " + schema.get("type") + ", got " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        if (schema.has("const") && !sameValue(schema.get("const"), value)) {
            out.add(path + ": expected the constant " + schema.get("const"));
        }
        final JsonNode enumeration = schema.get("enum");
        if (enumeration != null && enumeration.isArray() && !contains(enumeration, value)) {
            out.add(path + ": " + value + " is not one of " + enumeration);
        }
        if (value.isNumber()) {
            checkNumber(schema, value.decimalValue(), path, out);
        } else if (value.isTextual()) {
            checkString(schema, value.asText(), path, out);
        } else if (value.isArray()) {
            checkArray(schema, value, path, out, limit, deep);
        } else if (value.isObject()) {
            checkObject(schema, value, path, out, limit, deep);
        }
    }

    private static void checkNumber(final JsonNode schema, final BigDecimal v, final String path, final List<String> out) {
        final JsonNode min = schema.get("minimum");
        final JsonNode max = schema.get("maximum");
        final JsonNode exMin = schema.get("exclusiveMinimum");
        final JsonNode exMax = schema.get("exclusiveMaximum");
        if (min != null && min.isNumber()) {
            final boolean exclusive = exMin != null && exMin.isBoolean() && exMin.asBoolean();
            final int c = v.compareTo(min.decimalValue());
            if (c < 0 || (exclusive && c == 0)) {
                out.add(path + ": " + v.toPlainString() + " is below the minimum " + min);
            }
        }
        if (max != null && max.isNumber()) {
            final boolean exclusive = exMax != null && exMax.isBoolean() && exMax.asBoolean();
            final int c = v.compareTo(max.decimalValue());
            if (c > 0 || (exclusive && c == 0)) {
                out.add(path + ": " + v.toPlainString() + " is above the maximum " + max);
            }
        }
        if (exMin != null && exMin.isNumber() && v.compareTo(exMin.decimalValue()) <= 0) {
            out.add(path + ": " + v.toPlainString() + " is not above the exclusive minimum " + exMin);
        }
        if (exMax != null && exMax.isNumber() && v.compareTo(exMax.decimalValue()) >= 0) {
            out.add(path + ": " + v.toPlainString() + " is not below the exclusive maximum " + exMax);
        }
        final JsonNode multipleOf = schema.get("multipleOf");
        if (multipleOf != null && multipleOf.isNumber() && multipleOf.decimalValue().signum() > 0
                && v.remainder(multipleOf.decimalValue()).signum() != 0) {
            out.add(path + ": " + v.toPlainString() + " is not a multiple of " + multipleOf);
        }
    }

    private static void checkString(final JsonNode schema, final String s, final String path, final List<String> out) {
        final int length = s.codePointCount(0, s.length());
        if (schema.path("minLength").isNumber() && length < schema.get("minLength").asInt()) {
            out.add(path + ": shorter than minLength " + schema.get("minLength"));
        }
        if (schema.path("maxLength").isNumber() && length > schema.get("maxLength").asInt()) {
            out.add(path + ": longer than maxLength " + schema.get("maxLength"));
        }
        if (schema.path("pattern").isTextual()) {
            final String regex = schema.get("pattern").asText();
            final Pattern compiled = pattern(regex);
            if (compiled == null) {
                out.add(path + ": the schema's pattern " + regex + " is not a valid regular expression");
            } else if (!compiled.matcher(s).find()) {
                out.add(path + ": \"" + s + "\" does not match " + regex);
            }
        }
        if (schema.path("format").isTextual() && !formatHolds(schema.get("format").asText(), s)) {
            out.add(path + ": \"" + s + "\" is not a valid " + schema.get("format").asText());
        }
    }

    private static void checkArray(final JsonNode schema, final JsonNode array, final String path,
            final List<String> out, final int limit, final boolean deep) {
        if (schema.path("minItems").isNumber() && array.size() < schema.get("minItems").asInt()) {
            out.add(path + ": fewer than minItems " + schema.get("minItems"));
        }
        if (schema.path("maxItems").isNumber() && array.size() > schema.get("maxItems").asInt()) {
            out.add(path + ": more than maxItems " + schema.get("maxItems"));
        }
        if (schema.path("uniqueItems").asBoolean(false)) {
            final Set<JsonNode> seen = new HashSet<>();
            for (final JsonNode item : array) {
                if (!seen.add(item)) {
                    out.add(path + ": item " + item + " repeats although uniqueItems is set");
                    break;
                }
            }
        }
        final JsonNode items = schema.get("items");
        if (items == null || !deep) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            final JsonNode itemSchema = items.isArray() ? items.get(i) : items;
            if (itemSchema != null) {
                check(itemSchema, array.get(i), path + "[" + i + "]", out, limit, true);
            }
        }
    }

    private static void checkObject(final JsonNode schema, final JsonNode object, final String path,
            final List<String> out, final int limit, final boolean deep) {
        final JsonNode properties = schema.path("properties");
        for (final JsonNode name : schema.path("required")) {
            if (!object.has(name.asText())) {
                out.add(path + ": the required property " + name.asText() + " is missing");
            }
        }
        final JsonNode additional = schema.get("additionalProperties");
        for (final Map.Entry<String, JsonNode> field : object.properties()) {
            if (out.size() >= limit) {
                break;
            }
            final JsonNode propertySchema = properties.get(field.getKey());
            if (propertySchema != null) {
                if (deep) {
                    check(propertySchema, field.getValue(), path + "." + field.getKey(), out, limit, true);
                }
            } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                out.add(path + ": the property " + field.getKey() + " is not declared");
            } else if (additional != null && additional.isObject() && deep) {
                check(additional, field.getValue(), path + "." + field.getKey(), out, limit, true);
            }
        }
    }

    /** Equality of JSON values where numbers compare by value (1 equals 1.0). */
    public static boolean sameValue(final JsonNode a, final JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static boolean contains(final JsonNode enumeration, final JsonNode value) {
        for (final JsonNode option : enumeration) {
            if (sameValue(option, value)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a string has the named format; an unknown format holds, as JSON Schema treats it as an annotation. */
    public static boolean formatHolds(final String format, final String s) {
        switch (format) {
            case "date":
                return isDate(s, 0) && s.length() == DATE_LENGTH;
            case "date-time":
                // RFC 3339 wants an offset; pool APIs also write local times, so both are accepted.
                return s.length() > DATE_LENGTH && isDate(s, 0) && (s.charAt(DATE_LENGTH) == 'T' || s.charAt(DATE_LENGTH) == 't')
                        && TIME.matcher(s.substring(DATE_LENGTH + 1)).matches();
            case "time":
                return TIME.matcher(s).matches();
            case "email":
                return EMAIL.matcher(s).matches();
            case "uri": case "url":
                return URI.matcher(s).matches();
            case "uuid":
                return UUID.matcher(s).matches();
            case "ipv4":
                return IPV4.matcher(s).matches();
            case "hostname":
                return HOSTNAME.matcher(s).matches();
            default:
                return true;
        }
    }

    /** Whether {@code s} holds a calendar date as YYYY-MM-DD at {@code at}; hand-parsed, as this runs for every generated date. */
    private static boolean isDate(final String s, final int at) {
        if (s.length() < at + DATE_LENGTH || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-') {
            return false;
        }
        final int year = digits(s, at, 4);
        final int month = digits(s, at + 5, 2);
        final int day = digits(s, at + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1) {
            return false;
        }
        return day <= YearMonth.of(year, month).lengthOfMonth();
    }

    /** The number the {@code n} ASCII digits at {@code at} spell, or -1 if they are not all digits. */
    private static int digits(final String s, final int at, final int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static Pattern pattern(final String regex) {
        if (PATTERNS.size() > CACHE_LIMIT) {
            PATTERNS.clear();
        }
        try {
            return PATTERNS.computeIfAbsent(regex, Pattern::compile);
        } catch (final PatternSyntaxException e) {
            return null;
        }
    }
}

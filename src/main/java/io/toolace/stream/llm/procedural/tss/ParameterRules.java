package io.toolace.stream.llm.procedural.tss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Types a parameter from the words that name it ("departure date" is a {@code date}-formatted
 * string, "passengers" an integer from 1 to 9), read from {@code procedural/parameter-rules.tsv}.
 * Every value in the file is checked against its declared type, and every pattern against
 * {@link PatternSubset}, when the class loads: a bad rule fails the backend at start, not a
 * verifier run later.
 */
final class ParameterRules {

    private static final String PATH = "procedural/parameter-rules.tsv";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** How a rule's key matches the attribute's words. */
    private enum Match { WHOLE, SUFFIX, PREFIX }

    /**
     * One typing rule.
     *
     * @param type JSON Schema type; for arrays, {@code itemType} is the items' type
     * @param always keywords every parameter of this kind carries (formats, well-known enums)
     * @param onConstraint keywords {@code ADD_CONSTRAINTS} adds
     * @param note what the value is, appended to the parameter's description when it says more
     *     than the parameter's own words
     */
    record Rule(String key, String type, String itemType, Map<String, JsonNode> always,
            Map<String, JsonNode> onConstraint, String note) {

        /** A fresh schema of this type with the always-on keywords; arrays get their items. */
        ObjectNode schema(final String description) {
            final ObjectNode schema = JSON.objectNode();
            schema.put("type", type);
            schema.put("description", description);
            final ObjectNode target;
            if ("array".equals(type)) {
                target = schema.putObject("items").put("type", itemType);
            } else {
                target = schema;
            }
            putAll(itemKeywordsOf(always), target);
            putAll(arrayKeywordsOf(always), schema);
            return schema;
        }

        /**
         * Adds the rule's constraint keywords to a schema it typed; returns whether it gained a
         * constraint. A default in the same column comes along but does not count: it constrains
         * nothing. Array-size keywords go on the array, the others on its items.
         */
        boolean constrain(final ObjectNode schema) {
            final ObjectNode items = "array".equals(schema.path("type").asText()) && schema.has("items")
                    ? (ObjectNode) schema.get("items") : schema;
            boolean changed = false;
            for (final Map.Entry<String, JsonNode> keyword : onConstraint.entrySet()) {
                final ObjectNode target = isArrayKeyword(keyword.getKey()) ? schema : items;
                if (!target.has(keyword.getKey()) && !(keyword.getKey().equals("enum") && target.has("format"))) {
                    target.set(keyword.getKey(), keyword.getValue().deepCopy());
                    changed |= !keyword.getKey().equals("default");
                }
            }
            return changed;
        }

        private static Map<String, JsonNode> itemKeywordsOf(final Map<String, JsonNode> keywords) {
            final Map<String, JsonNode> out = new LinkedHashMap<>(keywords);
            out.keySet().removeIf(ParameterRules::isArrayKeyword);
            return out;
        }

        private static Map<String, JsonNode> arrayKeywordsOf(final Map<String, JsonNode> keywords) {
            final Map<String, JsonNode> out = new LinkedHashMap<>(keywords);
            out.keySet().removeIf(k -> !isArrayKeyword(k));
            return out;
        }

        private static void putAll(final Map<String, JsonNode> keywords, final ObjectNode target) {
            keywords.forEach((k, v) -> target.set(k, v.deepCopy()));
        }
    }

    private record Keyed(Match match, List<String> words, Rule rule) {}

    /** The rule of names nothing else matches: a free-text string. */
    static final Rule TEXT = new Rule("", "string", null, Map.of(),
            Map.of("minLength", JSON.numberNode(1), "maxLength", JSON.numberNode(256)), "");

    /** The rule of unmatched plural names ("cities", "stores"): a list of strings. */
    static final Rule TEXT_LIST = new Rule("", "array", "string", Map.of(),
            Map.of("minItems", JSON.numberNode(1), "maxItems", JSON.numberNode(50)), "");

    /** Rules indexed by the word a key must meet: the last word for suffix keys, the first for prefix keys. */
    private static final Map<String, List<Keyed>> RULES = index(load());

    private ParameterRules() {}

    /**
     * The rule for a parameter named by these lower-case words: an exact ({@code =key}) rule, else
     * the longest matching suffix or prefix key ({@code "is *"} counts as one and a half words, so
     * it beats a one-word suffix), else {@link #TEXT_LIST} for a plural and {@link #TEXT}.
     */
    static Rule ruleFor(final List<String> words) {
        if (!words.isEmpty()) {
            Keyed best = null;
            for (final String anchor : List.of(words.get(words.size() - 1), words.get(0))) {
                for (final Keyed keyed : RULES.getOrDefault(anchor, List.of())) {
                    if ((best == null || weight(keyed) > weight(best)) && matches(keyed, words)) {
                        best = keyed;
                    }
                }
            }
            if (best != null) {
                return best.rule();
            }
        }
        return !words.isEmpty() && English.looksPlural(words.get(words.size() - 1)) ? TEXT_LIST : TEXT;
    }

    private static boolean matches(final Keyed keyed, final List<String> words) {
        final List<String> key = keyed.words();
        return switch (keyed.match()) {
            case WHOLE -> words.equals(key);
            case SUFFIX -> words.size() >= key.size() && words.subList(words.size() - key.size(), words.size()).equals(key);
            case PREFIX -> words.size() > key.size() && words.subList(0, key.size()).equals(key);
        };
    }

    private static boolean isArrayKeyword(final String keyword) {
        return keyword.equals("minItems") || keyword.equals("maxItems");
    }

    private static double weight(final Keyed keyed) {
        return switch (keyed.match()) {
            case WHOLE -> 1000;
            case PREFIX -> keyed.words().size() + 0.5;
            case SUFFIX -> keyed.words().size();
        };
    }

    /**
     * Suffix and whole-name keys under their last word, prefix keys under their first, each list
     * heaviest first so the first match of greatest weight wins and equal weights keep file order.
     */
    private static Map<String, List<Keyed>> index(final List<Keyed> rules) {
        final Map<String, List<Keyed>> index = new HashMap<>();
        for (final Keyed keyed : rules) {
            final List<String> key = keyed.words();
            final String anchor = keyed.match() == Match.PREFIX ? key.get(0) : key.get(key.size() - 1);
            index.computeIfAbsent(anchor, a -> new ArrayList<>()).add(keyed);
        }
        index.replaceAll((anchor, list) -> List.copyOf(list));
        return Map.copyOf(index);
    }

    private static List<Keyed> load() {
        final List<Keyed> rules = new ArrayList<>();
        for (final String line : Resources.dataLines(PATH)) {
            final String[] f = Resources.columns(PATH, line, 5);
            final String rawKey = f[0].trim();
            final Match match = rawKey.startsWith("=") ? Match.WHOLE : rawKey.endsWith(" *") ? Match.PREFIX : Match.SUFFIX;
            final String key = rawKey.replace("=", "").replace(" *", "").trim();
            final String type;
            final String itemType;
            if (f[1].startsWith("array of ")) {
                type = "array";
                itemType = f[1].substring("array of ".length()).trim();
            } else {
                type = f[1].trim();
                itemType = null;
            }
            final String valueType = itemType != null ? itemType : type;
            final Rule rule = new Rule(key, type, itemType, keywords(f[2], valueType, line),
                    keywords(f[3], valueType, line), f[4].trim());
            rules.add(new Keyed(match, List.of(key.split(" ")), rule));
        }
        // Stable sort: among keys of equal weight the file's order decides.
        rules.sort(Comparator.comparingDouble(ParameterRules::weight).reversed());
        return List.copyOf(rules);
    }

    private static Map<String, JsonNode> keywords(final String column, final String valueType, final String line) {
        final Map<String, JsonNode> keywords = new LinkedHashMap<>();
        if (column.isBlank() || column.trim().equals("-")) {
            return keywords;
        }
        for (final String pair : column.trim().split(" ")) {
            final int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(PATH + ": keyword without '=': '" + pair + "' in: " + line);
            }
            final String name = pair.substring(0, eq);
            final String value = pair.substring(eq + 1);
            keywords.put(name, keywordValue(name, value, valueType, line));
        }
        return keywords;
    }

    private static JsonNode keywordValue(final String name, final String value, final String valueType,
            final String line) {
        try {
            return switch (name) {
                case "format" -> {
                    if (!List.of("date", "date-time", "email", "uri", "time").contains(value)) {
                        throw new IllegalStateException("format outside date, date-time, email, uri, time");
                    }
                    yield JSON.textNode(value);
                }
                case "pattern" -> {
                    if (!PatternSubset.allowed(value)) {
                        throw new IllegalStateException("pattern outside the generator's subset");
                    }
                    yield JSON.textNode(value);
                }
                case "minimum", "maximum" -> typedValue(value, "integer".equals(valueType) ? "integer" : "number");
                case "minLength", "maxLength", "minItems", "maxItems" -> JSON.numberNode(Integer.parseInt(value));
                case "default" -> typedValue(value, valueType);
                case "enum" -> {
                    final ArrayNode values = JSON.arrayNode();
                    for (final String option : value.split("\\|")) {
                        values.add(typedValue(option, valueType));
                    }
                    yield values;
                }
                default -> throw new IllegalStateException("unknown keyword");
            };
        } catch (final RuntimeException e) {
            throw new IllegalStateException(PATH + ": bad " + name + "=" + value + " for type " + valueType
                    + " (" + e.getMessage() + ") in: " + line, e);
        }
    }

    /** The value parsed as the declared type, so enums and defaults always match their schema. */
    private static JsonNode typedValue(final String value, final String type) {
        return switch (type) {
            case "integer" -> JSON.numberNode(Long.parseLong(value));
            case "number" -> JSON.numberNode(Double.parseDouble(value));
            case "boolean" -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("not a boolean: " + value);
                }
                yield JSON.booleanNode(Boolean.parseBoolean(value));
            }
            case "string" -> JSON.textNode(value);
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }
}

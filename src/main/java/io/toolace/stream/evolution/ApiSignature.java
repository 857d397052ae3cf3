package io.toolace.stream.evolution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.format.ContentHash;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Identity and likeness of API definitions, on plain strings so that the pool, the verifier and
 * tests use it without Avro.
 *
 * <p>The <em>signature</em> is what makes two APIs the same tool to a caller: the name with case
 * and punctuation removed, and the parameter names with their types, nested structure included,
 * in sorted order. Descriptions, constraints and defaults are left out on purpose: an API that
 * only tightens a range is not a new tool. {@link #similarity} is the looser measure for
 * near-duplicates (a renamed copy), on word overlap of name, description and parameter names.
 */
public final class ApiSignature {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Weights of name, description and parameter-name overlap in {@link #similarity}. */
    private static final double NAME_WEIGHT = 0.35;
    private static final double DESCRIPTION_WEIGHT = 0.30;
    private static final double PARAMETER_WEIGHT = 0.35;

    /** Words too common in API text to say anything about likeness. */
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "by", "with", "from", "its",
            "it", "this", "that", "is", "are", "be", "api", "as", "at", "into", "their", "your");

    /**
     * Verbs API writers use for one operation, by the word they stand for: without it "fetch_order"
     * and "get_order" with the same parameters score as different tools and a verb-swapped copy slips
     * into the pool. Keys are base forms; {@link #canonicalVerb} strips common inflections first.
     */
    private static final Map<String, String> VERB_SYNONYMS = synonyms(
            "get", "fetch retrieve obtain read lookup return",
            "list", "browse enumerate",
            "search", "find query",
            "create", "add make register",
            "update", "modify edit change patch",
            "delete", "remove erase",
            "send", "submit dispatch",
            "check", "verify validate");

    private ApiSignature() {}

    private static Map<String, String> synonyms(final String... canonicalThenOthers) {
        final Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < canonicalThenOthers.length; i += 2) {
            for (final String other : canonicalThenOthers[i + 1].split(" ")) {
                map.put(other, canonicalThenOthers[i]);
            }
        }
        return Map.copyOf(map);
    }

    /** The canonical verb of {@code word} or one of its inflections ("fetches", "edited"), else null. */
    private static String canonicalVerb(final String word) {
        for (final String suffix : new String[] {"", "es", "s", "ed", "d", "ing"}) {
            if (word.length() > suffix.length() + 2 && word.endsWith(suffix)) {
                final String base = word.substring(0, word.length() - suffix.length());
                final String canonical = VERB_SYNONYMS.get(base);
                if (canonical != null) {
                    return canonical;
                }
                if (VERB_SYNONYMS.containsValue(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    /**
     * The normalised signature, e.g. {@code refundpayment(amount:number,payment_id:string)}; an
     * object property shows its properties in braces, an array its item type in angle brackets.
     *
     * @throws IllegalArgumentException when {@code parametersJson} is not JSON
     */
    public static String normalise(final String name, final String parametersJson) {
        final StringBuilder out = new StringBuilder(64);
        appendAlphanumeric(out, name);
        appendProperties(out, parse(parametersJson));
        return out.toString();
    }

    /** {@link ContentHash} of the signature: the API's stable id and dedup key. */
    public static String hash(final String name, final String parametersJson) {
        return ContentHash.of(normalise(name, parametersJson));
    }

    /**
     * Likeness in [0, 1]: a weighted token Jaccard of the names (split at case changes, {@code _},
     * {@code .} and spaces), the descriptions and the parameter names at every depth. A renamed
     * copy scores high; APIs of different functionality score near 0.
     */
    public static double similarity(final Fingerprint a, final Fingerprint b) {
        return NAME_WEIGHT * jaccard(a.nameTokens(), b.nameTokens())
                + DESCRIPTION_WEIGHT * jaccard(a.descriptionTokens(), b.descriptionTokens())
                + PARAMETER_WEIGHT * jaccard(a.parameterNames(), b.parameterNames());
    }

    /** {@link #similarity(Fingerprint, Fingerprint)} of two APIs given as name, description, parameters. */
    public static double similarity(
            final String nameA, final String descriptionA, final String parametersA,
            final String nameB, final String descriptionB, final String parametersB) {
        return similarity(fingerprint(nameA, descriptionA, parametersA), fingerprint(nameB, descriptionB, parametersB));
    }

    /**
     * The token sets {@link #similarity} compares. Compute it once per pool entry when comparing
     * one candidate against many.
     *
     * @throws IllegalArgumentException when {@code parametersJson} is not JSON
     */
    public static Fingerprint fingerprint(final String name, final String description, final String parametersJson) {
        final Set<String> parameterNames = new HashSet<>();
        collectPropertyNames(parse(parametersJson), parameterNames);
        return new Fingerprint(tokens(name), tokens(description), Set.copyOf(parameterNames));
    }

    /** Word sets of one API, see {@link #fingerprint}. */
    public record Fingerprint(Set<String> nameTokens, Set<String> descriptionTokens, Set<String> parameterNames) {}

    private static JsonNode parse(final String parametersJson) {
        if (parametersJson == null || parametersJson.isBlank()) {
            throw new IllegalArgumentException("parameters JSON is empty");
        }
        try {
            return JSON.readTree(parametersJson);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("parameters are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void appendAlphanumeric(final StringBuilder out, final String text) {
        final String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); ) {
            final int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                out.appendCodePoint(cp);
            }
        }
    }

    /** Appends {@code (name:type,...)} of an object schema's properties, sorted by name. */
    private static void appendProperties(final StringBuilder out, final JsonNode objectSchema) {
        final JsonNode properties = objectSchema.path("properties");
        final List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        out.append('(');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(names.get(i)).append(':');
            appendType(out, properties.get(names.get(i)));
        }
        out.append(')');
    }

    private static void appendType(final StringBuilder out, final JsonNode schema) {
        final String type = schema.path("type").asText("any");
        out.append(type);
        if ("object".equals(type) && schema.has("properties")) {
            final StringBuilder nested = new StringBuilder();
            appendProperties(nested, schema);
            out.append('{').append(nested, 1, nested.length() - 1).append('}');
        } else if ("array".equals(type)) {
            out.append('<');
            appendType(out, schema.path("items"));
            out.append('>');
        }
    }

    private static void collectPropertyNames(final JsonNode schema, final Set<String> into) {
        final JsonNode properties = schema.path("properties");
        final Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            into.add(field.getKey().toLowerCase(Locale.ROOT));
            collectPropertyNames(field.getValue(), into);
        }
        if (schema.has("items")) {
            collectPropertyNames(schema.get("items"), into);
        }
    }

    /**
     * Lower-case word tokens: split at non-alphanumerics and at lower-to-upper case changes
     * ({@code getHourlyForecast} gives get, hourly, forecast), stop words dropped and a plural
     * {@code s} trimmed so "flight" and "flights" agree.
     */
    static Set<String> tokens(final String text) {
        final Set<String> tokens = new HashSet<>();
        if (text == null) {
            return tokens;
        }
        final StringBuilder word = new StringBuilder();
        int previous = ' ';
        for (int i = 0; i <= text.length(); i++) {
            final int c = i < text.length() ? text.charAt(i) : ' ';
            final boolean boundary = !Character.isLetterOrDigit(c)
                    || (Character.isUpperCase(c) && Character.isLowerCase(previous));
            if (boundary && word.length() > 0) {
                addToken(tokens, word.toString().toLowerCase(Locale.ROOT));
                word.setLength(0);
            }
            if (Character.isLetterOrDigit(c)) {
                word.append((char) c);
            }
            previous = c;
        }
        return tokens;
    }

    private static void addToken(final Set<String> tokens, final String word) {
        if (STOP_WORDS.contains(word)) {
            return;
        }
        final String verb = canonicalVerb(word);
        if (verb != null) {
            tokens.add(verb);
            return;
        }
        final boolean plural = word.length() > 3 && word.endsWith("s") && !word.endsWith("ss");
        tokens.add(plural ? word.substring(0, word.length() - 1) : word);
    }

    private static double jaccard(final Set<String> a, final Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1.0;
        }
        final Set<String> smaller = a.size() <= b.size() ? a : b;
        final Set<String> larger = smaller == a ? b : a;
        int common = 0;
        for (final String token : smaller) {
            if (larger.contains(token)) {
                common++;
            }
        }
        return (double) common / (a.size() + b.size() - common);
    }
}

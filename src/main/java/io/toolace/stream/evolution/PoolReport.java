package io.toolace.stream.evolution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.procedural.tss.Taxonomy;
import io.toolace.stream.records.ApiDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an API pool holds, as the {@code pool} command prints it: size; domains, sub-domains and
 * functionalities covered (against the built-in taxonomy when the pool grew from the built-in seeds);
 * APIs per domain; parameters per API; parameter types and nested shapes; constraint usage; evolution
 * depth; origin; diversity indicators; and a seeded sample. Pure: feed it {@link ApiDefinition}s with
 * {@link #add}, in any order; the figures do not depend on the order.
 *
 * <p>Definitions. A <em>parameter</em> is a top-level property of the parameters schema; its type is
 * its declared {@code type}. An API is <em>flat</em> when every parameter is a scalar or an array of
 * scalars, <em>nested</em> otherwise. Shapes are looked for at every depth: an <em>object
 * parameter</em> (a top-level object), <em>array of arrays</em>, <em>array of objects</em>,
 * <em>object in object</em> and <em>array in object</em> (a property of a non-root object). Constraint
 * keywords count at every depth: enum, pattern, format, range (minimum, maximum, exclusive bounds) and
 * length (minLength, maxLength, minItems, maxItems). Shares of APIs are of {@link #size()}.
 */
public final class PoolReport {

    /** Parameter types in report order; anything else counts as {@code other}. */
    public static final List<String> TYPES = List.of("string", "integer", "number", "boolean", "array", "object");
    public static final List<String> SHAPES = List.of(
            "object parameter", "array of scalars", "array of arrays", "array of objects", "object in object",
            "array in object");
    public static final List<String> CONSTRAINTS = List.of("enum", "pattern", "format", "range", "length");
    private static final Map<String, List<String>> CONSTRAINT_KEYWORDS = Map.of(
            "enum", List.of("enum"),
            "pattern", List.of("pattern"),
            "format", List.of("format"),
            "range", List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"),
            "length", List.of("minLength", "maxLength", "minItems", "maxItems"));
    /** How the ids of {@link BuiltinSeeds#seedId built-in seeds} start. */
    private static final String BUILTIN_SEED = "builtin-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int top;
    private final int sampleSize;
    private final long seed;

    private long size;
    private long unreadable;
    private long fromBuiltinSeeds;
    private long totalParameters;
    private long maxParameters;
    private long nested;
    private long constrained;
    private final Map<String, Long> domains = new TreeMap<>();
    private final Map<String, String> domainNames = new TreeMap<>();
    private final Map<String, Long> subDomains = new TreeMap<>();
    private final Set<String> functionalities = new HashSet<>();
    private final TreeMap<Long, Long> parameterCounts = new TreeMap<>();
    private final Map<String, Long> parameterTypes = new LinkedHashMap<>();
    private final Map<String, Long> shapes = new LinkedHashMap<>();
    private final Map<String, Long> constraints = new LinkedHashMap<>();
    private final TreeMap<Long, Long> generations = new TreeMap<>();
    private final Map<String, Long> origins = new TreeMap<>();
    private final Map<String, Long> diversity = new TreeMap<>();
    /** The sample: APIs with the smallest hash of (seed, id), so it does not depend on reading order. */
    private final TreeMap<String, ApiDefinition> sample = new TreeMap<>();

    /**
     * @param top domains listed one by one; the rest are summed as the tail
     * @param sampleSize APIs in the sample
     * @param seed picks the sample
     */
    public PoolReport(final int top, final int sampleSize, final long seed) {
        if (top < 0 || sampleSize < 0) {
            throw new IllegalArgumentException("top and sample size must not be negative");
        }
        this.top = top;
        this.sampleSize = sampleSize;
        this.seed = seed;
        TYPES.forEach(t -> parameterTypes.put(t, 0L));
        parameterTypes.put("other", 0L);
        SHAPES.forEach(s -> shapes.put(s, 0L));
        CONSTRAINTS.forEach(c -> constraints.put(c, 0L));
    }

    /** Counts a record that could not be read as an API (it is not in the pool's figures). */
    public void addUnreadable() {
        unreadable++;
    }

    /**
     * Adds one pooled API.
     *
     * @throws IllegalArgumentException when its parameters are not JSON
     */
    public void add(final ApiDefinition api) {
        final JsonNode parameters = parse(api.getParameters());
        size++;
        final String domainKey = ContextPaths.segment(api.getDomain());
        domains.merge(domainKey, 1L, Long::sum);
        domainNames.putIfAbsent(domainKey, api.getDomain().isBlank() ? "(none)" : api.getDomain().strip());
        subDomains.merge(domainKey + ContextPaths.SEPARATOR + ContextPaths.segment(api.getSubdomain()), 1L, Long::sum);
        functionalities.addAll(api.getFunctionalities());
        if (api.getLineage() != null && api.getLineage().getSeedIds().stream().anyMatch(s -> s.startsWith(BUILTIN_SEED))) {
            fromBuiltinSeeds++;
        }

        final JsonNode properties = parameters.path("properties");
        final long count = properties.size();
        totalParameters += count;
        maxParameters = Math.max(maxParameters, count);
        parameterCounts.merge(count, 1L, Long::sum);
        boolean flat = true;
        for (final JsonNode parameter : properties) {
            final String type = parameter.path("type").asText("");
            parameterTypes.merge(TYPES.contains(type) ? type : "other", 1L, Long::sum);
            final String itemType = parameter.path("items").path("type").asText("");
            flat &= !type.equals("object") && !(type.equals("array") && (itemType.equals("array")
                    || itemType.equals("object")));
        }
        nested += flat ? 0 : 1;
        final Set<String> found = new HashSet<>();
        for (final JsonNode parameter : properties) {
            if (parameter.path("type").asText("").equals("object")) {
                found.add("object parameter");
            }
            walk(parameter, false, found);
        }
        found.forEach(f -> (SHAPES.contains(f) ? shapes : constraints).merge(f, 1L, Long::sum));
        constrained += found.stream().anyMatch(CONSTRAINTS::contains) ? 1 : 0;

        generations.merge(api.getGeneration(), 1L, Long::sum);
        origins.merge(api.getOrigin().name(), 1L, Long::sum);
        if (api.getDiversity().isEmpty()) {
            diversity.merge("none", 1L, Long::sum);
        }
        new HashSet<>(api.getDiversity()).forEach(d -> diversity.merge(d, 1L, Long::sum));

        if (sampleSize > 0) {
            sample.put(ContentHash.of(Long.toString(seed), api.getId()), api);
            if (sample.size() > sampleSize) {
                sample.pollLastEntry();
            }
        }
    }

    /** Records the shapes and constraint kinds of one schema and everything below it. */
    private static void walk(final JsonNode schema, final boolean insideObject, final Set<String> found) {
        for (final String constraint : CONSTRAINTS) {
            for (final String keyword : CONSTRAINT_KEYWORDS.get(constraint)) {
                if (schema.has(keyword)) {
                    found.add(constraint);
                }
            }
        }
        final String type = schema.path("type").asText("");
        if (type.equals("array")) {
            final String itemType = schema.path("items").path("type").asText("");
            found.add(itemType.equals("array") ? "array of arrays"
                    : itemType.equals("object") ? "array of objects" : "array of scalars");
            if (schema.has("items")) {
                walk(schema.get("items"), false, found);
            }
        }
        if (insideObject && type.equals("object")) {
            found.add("object in object");
        }
        if (insideObject && type.equals("array")) {
            found.add("array in object");
        }
        if (type.equals("object")) {
            for (final JsonNode property : schema.path("properties")) {
                walk(property, true, found);
            }
        }
    }

    private static JsonNode parse(final String json) {
        try {
            return JSON.readTree(json == null ? "" : json);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("parameters are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ------------------------------------------------------------------ figures

    public long size() {
        return size;
    }

    public long unreadable() {
        return unreadable;
    }

    /** APIs per domain, by display name, most first (ties by name). */
    public Map<String, Long> domains() {
        final Map<String, Long> byName = new LinkedHashMap<>();
        domains.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> byName.put(domainNames.get(e.getKey()), e.getValue()));
        return byName;
    }

    /** Sub-domains covered, as normalised {@code domain/sub-domain}. */
    public int subDomainCount() {
        return subDomains.size();
    }

    public int functionalityCount() {
        return functionalities.size();
    }

    /** Parameters per API: count of parameters to APIs with that many. */
    public Map<Long, Long> parameterCounts() {
        return parameterCounts;
    }

    /** Top-level parameters by type, {@link #TYPES} and {@code other}. */
    public Map<String, Long> parameterTypes() {
        return parameterTypes;
    }

    /** APIs with a parameter that is not a scalar or an array of scalars. */
    public long nestedApis() {
        return nested;
    }

    /** APIs with each of {@link #SHAPES} anywhere in their parameters. */
    public Map<String, Long> shapes() {
        return shapes;
    }

    /** APIs using each of {@link #CONSTRAINTS} anywhere in their parameters. */
    public Map<String, Long> constraints() {
        return constraints;
    }

    /** APIs with at least one constraint. */
    public long constrainedApis() {
        return constrained;
    }

    public Map<Long, Long> generations() {
        return generations;
    }

    public Map<String, Long> origins() {
        return origins;
    }

    /** APIs evolved under each diversity indicator; {@code none} for those evolved under none. */
    public Map<String, Long> diversity() {
        return diversity;
    }

    /** Whether any API grew from the built-in seed corpus, so the built-in taxonomy is the yardstick. */
    public boolean builtinSource() {
        return fromBuiltinSeeds > 0;
    }

    /** The sampled APIs in sample order (by hash of seed and id). */
    public List<ApiDefinition> sample() {
        return List.copyOf(sample.values());
    }

    /** Built-in taxonomy domains, sub-domains and functionalities the pool covers, and the totals. */
    public Coverage builtinCoverage() {
        final Taxonomy taxonomy = Taxonomy.builtin();
        int domainsCovered = 0;
        int subDomainsCovered = 0;
        int functionalitiesCovered = 0;
        final List<String> missing = new ArrayList<>();
        for (final Taxonomy.Domain domain : taxonomy.domains()) {
            final String key = ContextPaths.segment(domain.name());
            if (domains.containsKey(key)) {
                domainsCovered++;
            }
            for (final Taxonomy.SubDomain sub : domain.subDomains()) {
                if (subDomains.containsKey(key + ContextPaths.SEPARATOR + ContextPaths.segment(sub.name()))) {
                    subDomainsCovered++;
                } else {
                    missing.add(domain.name() + " / " + sub.name());
                }
                for (final Taxonomy.Functionality functionality : sub.functionalities()) {
                    if (functionalities.contains(ContextPaths.id(List.of(domain.name(), sub.name(),
                            functionality.name())))) {
                        functionalitiesCovered++;
                    }
                }
            }
        }
        return new Coverage(domainsCovered, taxonomy.domains().size(), subDomainsCovered, taxonomy.subDomainCount(),
                functionalitiesCovered, taxonomy.functionalityCount(), List.copyOf(missing));
    }

    /** Coverage of the built-in taxonomy; {@code missingSubDomains} as "Domain / Sub-domain". */
    public record Coverage(int domains, int builtinDomains, int subDomains, int builtinSubDomains,
            int functionalities, int builtinFunctionalities, List<String> missingSubDomains) {}

    /**
     * An API as a call signature: {@code Name(city: string, hours?: integer, lines?: array<object{sku:
     * string}>)}, optional parameters marked with {@code ?}, nested properties in braces.
     */
    public static String signature(final ApiDefinition api) {
        final StringBuilder out = new StringBuilder(api.getName());
        appendProperties(out, parse(api.getParameters()), "(", ")");
        return out.toString();
    }

    private static void appendProperties(final StringBuilder out, final JsonNode schema, final String open,
            final String close) {
        final Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        out.append(open);
        final Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        boolean first = true;
        while (properties.hasNext()) {
            final Map.Entry<String, JsonNode> property = properties.next();
            out.append(first ? "" : ", ").append(property.getKey()).append(required.contains(property.getKey()) ? "" : "?")
                    .append(": ");
            appendType(out, property.getValue());
            first = false;
        }
        out.append(close);
    }

    private static void appendType(final StringBuilder out, final JsonNode schema) {
        final String type = schema.path("type").asText("any");
        out.append(type);
        if (type.equals("array")) {
            out.append('<');
            appendType(out, schema.path("items"));
            out.append('>');
        } else if (type.equals("object") && schema.has("properties")) {
            appendProperties(out, schema, "{", "}");
        }
    }

    // ------------------------------------------------------------------ rendering

    /** The report as the {@code pool} command prints it. */
    public String toText(final String source) {
        final StringBuilder out = new StringBuilder(4096);
        line(out, "%s: %,d APIs%s", source, size, unreadable == 0 ? "" : String.format(Locale.ROOT,
                " (%,d unreadable records skipped)", unreadable));
        if (size == 0) {
            return out.toString();
        }
        if (builtinSource()) {
            final Coverage c = builtinCoverage();
            line(out, "domains %,d (built-in: %d of %d), sub-domains %,d (built-in: %d of %d), functionalities %,d "
                            + "(built-in: %,d of %,d)", domains.size(), c.domains(), c.builtinDomains(), subDomains.size(),
                    c.subDomains(), c.builtinSubDomains(), functionalities.size(), c.functionalities(),
                    c.builtinFunctionalities());
            if (!c.missingSubDomains().isEmpty()) {
                line(out, "  built-in sub-domains without an API: %s%s",
                        String.join(", ", c.missingSubDomains().subList(0, Math.min(10, c.missingSubDomains().size()))),
                        c.missingSubDomains().size() > 10 ? ", ..." : "");
            }
        } else {
            line(out, "domains %,d, sub-domains %,d, functionalities %,d", domains.size(), subDomains.size(),
                    functionalities.size());
        }
        final List<Map.Entry<String, Long>> byDomain = new ArrayList<>(domains().entrySet());
        line(out, "APIs per domain (top %d of %d):", Math.min(top, byDomain.size()), byDomain.size());
        for (final Map.Entry<String, Long> domain : byDomain.subList(0, Math.min(top, byDomain.size()))) {
            line(out, "  %-32s %,8d  %5s", domain.getKey(), domain.getValue(), percent(domain.getValue()));
        }
        final Tail tail = tail(byDomain);
        if (tail.count() > 0) {
            line(out, "  %-32s %,8d  %5s  (per domain: min %,d, median %,d, max %,d)",
                    String.format(Locale.ROOT, "%d more domains", tail.count()), tail.apis(), percent(tail.apis()),
                    tail.min(), tail.median(), tail.max());
        }
        final List<Long> perSubDomain = subDomains.values().stream().sorted().toList();
        line(out, "APIs per sub-domain: min %,d, median %,d, max %,d", perSubDomain.get(0),
                perSubDomain.get(perSubDomain.size() / 2), perSubDomain.get(perSubDomain.size() - 1));
        line(out, "parameters per API: mean %.1f, max %d", (double) totalParameters / size, maxParameters);
        line(out, "  %s", distribution(parameterCounts));
        line(out, "parameter types (%,d top-level parameters): %s", totalParameters, shares(parameterTypes, totalParameters));
        line(out, "flat %s, nested %s of APIs; shapes (share of APIs): %s", percent(size - nested), percent(nested),
                shares(shapes, size));
        line(out, "constraints (share of APIs): %s, any %s", shares(constraints, size), percent(constrained));
        line(out, "generation: %s", distribution(generations));
        line(out, "origin: %s", shares(origins, size));
        line(out, "diversity indicators (share of APIs): %s", shares(diversity, size));
        if (!sample.isEmpty()) {
            line(out, "sample of %d (seed %d):", sample.size(), seed);
            for (final ApiDefinition api : sample.values()) {
                line(out, "  %s", signature(api));
                line(out, "      %s / %s, generation %d, %s", api.getDomain(), api.getSubdomain(), api.getGeneration(),
                        api.getOrigin());
            }
        }
        return out.toString();
    }

    /** The same figures as {@link #toText}, as a JSON tree. */
    public JsonNode toJson(final String source) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", source);
        json.put("size", size);
        json.put("unreadable", unreadable);
        final Map<String, Object> coverage = new LinkedHashMap<>();
        coverage.put("domains", domains.size());
        coverage.put("subDomains", subDomains.size());
        coverage.put("functionalities", functionalities.size());
        if (builtinSource()) {
            final Coverage c = builtinCoverage();
            coverage.put("builtin", Map.of("domains", c.domains(), "domainsTotal", c.builtinDomains(),
                    "subDomains", c.subDomains(), "subDomainsTotal", c.builtinSubDomains(),
                    "functionalities", c.functionalities(), "functionalitiesTotal", c.builtinFunctionalities(),
                    "missingSubDomains", c.missingSubDomains()));
        }
        json.put("coverage", coverage);
        final List<Map.Entry<String, Long>> byDomain = new ArrayList<>(domains().entrySet());
        final Map<String, Long> topDomains = new LinkedHashMap<>();
        byDomain.subList(0, Math.min(top, byDomain.size())).forEach(e -> topDomains.put(e.getKey(), e.getValue()));
        final Tail tail = tail(byDomain);
        json.put("domains", Map.of("top", topDomains, "tail", Map.of("domains", tail.count(), "apis", tail.apis(),
                "min", tail.min(), "median", tail.median(), "max", tail.max()), "all", domains()));
        json.put("parametersPerApi", Map.of("mean", size == 0 ? 0.0 : (double) totalParameters / size,
                "max", maxParameters, "distribution", parameterCounts));
        json.put("parameterTypes", parameterTypes);
        json.put("nestedApis", nested);
        json.put("flatApis", size - nested);
        json.put("shapes", shapes);
        json.put("constraints", constraints);
        json.put("constrainedApis", constrained);
        json.put("generations", generations);
        json.put("origins", origins);
        json.put("diversity", diversity);
        final List<Map<String, Object>> sampled = new ArrayList<>();
        for (final ApiDefinition api : sample.values()) {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", api.getId());
            one.put("name", api.getName());
            one.put("signature", signature(api));
            one.put("domain", api.getDomain());
            one.put("subdomain", api.getSubdomain());
            one.put("generation", api.getGeneration());
            one.put("origin", api.getOrigin().name());
            sampled.add(one);
        }
        json.put("sample", Map.of("seed", seed, "apis", sampled));
        return JSON.valueToTree(json);
    }

    /** The domains after the top ones: how many, their APIs, and APIs per domain among them. */
    private record Tail(int count, long apis, long min, long median, long max) {}

    private Tail tail(final List<Map.Entry<String, Long>> byDomain) {
        if (byDomain.size() <= top) {
            return new Tail(0, 0, 0, 0, 0);
        }
        final List<Long> counts = byDomain.subList(top, byDomain.size()).stream().map(Map.Entry::getValue)
                .sorted(Comparator.naturalOrder()).toList();
        return new Tail(counts.size(), counts.stream().mapToLong(Long::longValue).sum(), counts.get(0),
                counts.get(counts.size() / 2), counts.get(counts.size() - 1));
    }

    private static void line(final StringBuilder out, final String format, final Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private String percent(final long part) {
        return percent(part, size);
    }

    private static String percent(final long part, final long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String shares(final Map<String, Long> counts, final long whole) {
        final List<String> parts = new ArrayList<>();
        counts.forEach((key, count) -> parts.add(String.format(Locale.ROOT, "%s %,d (%s)", key, count,
                percent(count, whole))));
        return String.join(", ", parts);
    }

    private String distribution(final Map<Long, Long> counts) {
        final List<String> parts = new ArrayList<>();
        counts.forEach((key, count) -> parts.add(String.format(Locale.ROOT, "%d: %,d (%s)", key, count, percent(count))));
        return String.join(", ", parts);
    }
}

package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.records.ApiDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A candidate API with its argument and result schemas parsed, as the agents and judges read it.
 * Parsed specs are shared: every turn of every dialog that offers an API reads the same one.
 */
final class ApiSpec {

    /**
     * A scalar field every simulated result carries (the tool agent fills all declared properties and
     * gives arrays at least one item), which a dependent call can take its input from.
     *
     * @param path property names from the root; {@link Link#FIRST} steps into an array's first item
     * @param type the schema's type, and {@code words} the field's name as words: what linking a field to a
     *     parameter compares, kept because the planner compares every field with every parameter
     */
    record ResultField(List<String> path, JsonNode schema, SchemaType type, Set<String> words) {

        String name() {
            return path.get(path.size() - 1);
        }
    }

    private record Key(String name, String description, String parameters, String response) {}

    private static final JsonNode EMPTY_SCHEMA = JsonNodeFactory.instance.objectNode();
    /** Bounds the parse cache; a pool that outgrows it is re-parsed, which only costs time. */
    private static final int CACHE_LIMIT = 50_000;
    private static final Map<Object, ApiSpec> PARSED = new ConcurrentHashMap<>();

    private final ApiDefinition source;
    private final String name;
    private final String description;
    private final JsonNode parameters;
    private final JsonNode response;
    private final List<String> parameterNames;
    private final Set<String> required;
    private final List<ResultField> resultFields;
    private final Map<String, SchemaType> parameterTypes = new HashMap<>();
    private final Map<String, Set<String>> parameterWords = new HashMap<>();
    /** What the API's entry in a system prompt grounds, made when a judge first asks. */
    private volatile Grounding.Piece prompted;

    private ApiSpec(final ApiDefinition definition) {
        this.source = definition;
        this.name = definition.getName();
        this.description = definition.getDescription();
        this.parameters = Json.parse("the parameters of API '" + name + "'", definition.getParameters());
        final String responseText = definition.getResponse();
        this.response = responseText == null || responseText.isBlank()
                ? EMPTY_SCHEMA : Json.parse("the response of API '" + name + "'", responseText);
        final Set<String> names = new LinkedHashSet<>();
        parameters.path("properties").fieldNames().forEachRemaining(names::add);
        final Set<String> req = new LinkedHashSet<>();
        for (final JsonNode r : parameters.path("required")) {
            req.add(r.asText());
            names.add(r.asText()); // required but undeclared: still an argument, with an open schema
        }
        this.parameterNames = List.copyOf(names);
        for (final String parameter : parameterNames) {
            parameterTypes.put(parameter, SchemaType.of(schemaOf(parameter)));
            parameterWords.put(parameter, words(parameter));
        }
        this.required = Collections.unmodifiableSet(req);
        final List<ResultField> fields = new ArrayList<>();
        collectResultFields(response, new ArrayList<>(), fields);
        this.resultFields = List.copyOf(fields);
    }

    static List<ApiSpec> of(final List<ApiDefinition> tools) {
        if (PARSED.size() > CACHE_LIMIT) {
            PARSED.clear();
        }
        final List<ApiSpec> out = new ArrayList<>(tools.size());
        for (final ApiDefinition d : tools) {
            // By id where there is one: hashing the schemas' text for every lookup cost more than comparing it.
            final Object id = d.getId() != null ? d.getId() : new Key(d.getName(), d.getDescription(),
                    d.getParameters(), d.getResponse());
            ApiSpec spec = PARSED.get(id);
            if (spec == null || !ToolSamples.sameDefinition(spec.source, d)) {
                spec = new ApiSpec(d); // parse outside the map: a bad definition throws, and is not cached
                PARSED.put(id, spec);
            }
            out.add(spec);
        }
        return out;
    }

    /** The API of this name, or null: a call may name a function that no tool declares. */
    static ApiSpec find(final List<ApiSpec> apis, final String name) {
        for (final ApiSpec api : apis) {
            if (api.name.equals(name)) {
                return api;
            }
        }
        return null;
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    JsonNode parameters() {
        return parameters;
    }

    JsonNode response() {
        return response;
    }

    /** What the API's entry in ToolACE's system prompt grounds. */
    Grounding.Piece prompted() {
        Grounding.Piece piece = prompted;
        if (piece == null) {
            piece = Grounding.Piece.of(ToolSamples.definition(source));
            prompted = piece;
        }
        return piece;
    }

    /** Declared parameters in declaration order, then required ones the schema forgot to declare. */
    List<String> parameterNames() {
        return parameterNames;
    }

    List<ResultField> resultFields() {
        return resultFields;
    }

    boolean isRequired(final String parameter) {
        return required.contains(parameter);
    }

    boolean hasRequired() {
        return !required.isEmpty();
    }

    /** The parameter's schema; an open schema for a required name without a declaration. */
    JsonNode schemaOf(final String parameter) {
        final JsonNode schema = parameters.path("properties").get(parameter);
        return schema == null ? EMPTY_SCHEMA : schema;
    }

    /** The type of {@link #schemaOf}, for one of {@link #parameterNames}. */
    SchemaType typeOf(final String parameter) {
        return parameterTypes.get(parameter);
    }

    /** A parameter's name as words, for one of {@link #parameterNames}. */
    Set<String> wordsOf(final String parameter) {
        return parameterWords.get(parameter);
    }

    private static Set<String> words(final String name) {
        return Set.copyOf(List.of(Lexicon.humanize(name).split(" ")));
    }

    /** Whether an argument no schema declares is still acceptable ({@code additionalProperties} true or a schema). */
    boolean acceptsUndeclared() {
        final JsonNode additional = parameters.get("additionalProperties");
        return additional != null && (additional.isObject() || additional.asBoolean(false));
    }

    /**
     * The API's name as words without its verbs, what a user who does not know the API would call its
     * subject: "Get Hourly Forecast" -> "hourly forecast", "museum_working_hours.get" -> "museum working hours".
     */
    String topic() {
        final List<String> words = new ArrayList<>();
        for (final String w : Lexicon.humanize(name).split(" ")) {
            if (!Intent.LEADING_VERBS.contains(w)) {
                words.add(w);
            }
        }
        return words.isEmpty() ? Lexicon.humanize(name) : String.join(" ", words);
    }

    /** The scalar fields of a result schema, depth first. */
    private static void collectResultFields(final JsonNode schema, final List<String> path, final List<ResultField> out) {
        switch (SchemaType.of(schema)) {
            case OBJECT:
                for (final Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
                    path.add(p.getKey());
                    collectResultFields(p.getValue(), path, out);
                    path.remove(path.size() - 1);
                }
                break;
            case ARRAY:
                final JsonNode items = schema.get("items");
                if (items != null && items.isObject() && schema.path("maxItems").asInt(1) > 0) {
                    path.add(Link.FIRST);
                    collectResultFields(items, path, out);
                    path.remove(path.size() - 1);
                }
                break;
            case STRING: case INTEGER: case NUMBER:
                if (!path.isEmpty() && !Link.FIRST.equals(path.get(path.size() - 1))) {
                    out.add(new ResultField(List.copyOf(path), schema, SchemaType.of(schema),
                            words(path.get(path.size() - 1))));
                }
                break;
            default:
                break;
        }
    }
}

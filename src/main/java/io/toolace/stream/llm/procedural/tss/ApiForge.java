package io.toolace.stream.llm.procedural.tss;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.evolution.ApiSignature;
import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.llm.procedural.tss.ApiDraft.Role;
import io.toolace.stream.llm.procedural.tss.ApiNames.NameStyle;
import io.toolace.stream.llm.procedural.tss.Verbs.VerbClass;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Adaptation and evolution, the procedural way: writes a new API definition from a sampled
 * context subtree, an optional example from the API example buffer, and diversity indicators.
 *
 * <p><b>Adaptation.</b> Each functionality node is read as an {@link Operation} (verb, object,
 * qualifiers, and the attributes its description cites). One node gives a simple API whose
 * parameters follow the verb: an identifier to act on one entity, qualifiers ("for a location")
 * as required inputs, cited attributes as inputs or filters, and a few optional parameters usual
 * for that kind of call. Several nodes give one richer API with an {@code action} enum; a
 * parameter is required only when every action needs it. The response schema follows the verb
 * too: an entity, a page of results, a creation receipt, a status.
 *
 * <p><b>Evolution.</b> With an example, the API borrows its style: name and parameter-name case,
 * shared parameters (paging, language, callbacks), result blocks, its nested shape and its
 * constraint habit. Then the indicators apply ({@link Evolution}).
 *
 * <p>Deterministic: the output depends only on the input and the random source's state.
 */
public final class ApiForge {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Chance that adaptation adds each of up to two generic optional parameters. */
    private static final double OPTION_RATE = 0.5;
    /** Chance that an API without an example names its parameters in camelCase. */
    private static final double CAMEL_CASE_RATE = 0.2;
    /** Sub-domain attributes an entity response shows besides the ones the functionality cites. */
    private static final int EXTRA_OUTPUTS = 2;

    /**
     * One new API for the input's subtree.
     *
     * @throws IllegalArgumentException when the subtree has no functionality node or an indicator
     *     is not one of {@link DiversityIndicators#ALL}
     */
    public ApiGenerationResult generate(final ApiGenerationInput input, final SplittableRandom rnd) {
        final List<ContextNode> subtree = input.getSubtree();
        final List<Operation> operations = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        for (final ContextNode node : subtree) {
            if (node.getLevel() == NodeLevel.FUNCTIONALITY && seen.add(node.getId())) {
                operations.add(Operation.of(node));
            }
        }
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("subtree has no FUNCTIONALITY node to adapt (" + subtree.size()
                    + " nodes: " + subtree.stream().map(ContextNode::getId).toList() + ")");
        }
        final List<String> indicators = DiversityIndicators.canonical(input.getDiversity());
        final ContextNode first = subtree.stream().filter(n -> n.getLevel() == NodeLevel.FUNCTIONALITY).findFirst()
                .orElseThrow();
        final String domain = levelName(subtree, NodeLevel.DOMAIN, first, 0);
        final String subDomain = levelName(subtree, NodeLevel.SUBDOMAIN, first, 1);
        final List<String> attributes = subDomainAttributes(subtree, first);

        final ApiDraft draft = new ApiDraft(domain, subDomain, operations, attributes);
        if (operations.size() == 1) {
            adapt(draft, operations.get(0), attributes, rnd);
            draft.sentences.add(0, describe(operations.get(0)));
        } else {
            adaptMany(draft, attributes, rnd);
        }
        final ApiDefinition example = input.getExample();
        final ExampleStyle style = example == null ? null : ExampleStyle.of(example);
        Evolution.evolve(draft, indicators, style, rnd);

        final NameStyle nameStyle = style != null ? style.nameStyle() : NameStyle.random(rnd);
        final boolean camelCase = style != null ? style.camelCase() : rnd.nextDouble() < CAMEL_CASE_RATE;
        final String name = ApiNames.name(draft, nameStyle, rnd);
        final String parameters = write(objectSchema(draft.parameters, draft.required), camelCase);
        final String response = write(objectSchema(draft.response, Set.of()), camelCase);
        final ApiDefinition api = ApiDefinition.newBuilder()
                .setId(ApiSignature.hash(name, parameters))
                .setName(name)
                .setDescription(String.join(" ", draft.sentences.subList(0, Math.min(2, draft.sentences.size()))))
                .setDomain(domain)
                .setSubdomain(subDomain)
                .setFunctionalities(List.copyOf(seen))
                .setParameters(parameters)
                .setResponse(response)
                .setOrigin(ApiOrigin.SYNTHESIZED)
                .setGeneration(input.getGeneration())
                .setDiversity(indicators)
                .setExampleId(example == null ? null : example.getId())
                .setLineage(Lineage.newBuilder()
                        .setPoolGeneration(input.getGeneration())
                        .setSeedIds(subtree.stream().map(ContextNode::getSeedId).filter(s -> !s.isEmpty())
                                .distinct().toList())
                        .build())
                .build();
        return new ApiGenerationResult(List.of(api));
    }

    // ---------------------------------------------------------------- adaptation

    /** Parameters and response of one operation; returns the names it requires. */
    private static Set<String> adapt(final ApiDraft draft, final Operation op, final List<String> attributes,
            final SplittableRandom rnd) {
        final Set<String> required = new LinkedHashSet<>();
        final VerbClass verbClass = op.verbClass();
        final boolean needsIdentifier = switch (verbClass) {
            case MODIFY, REMOVE -> true;
            case READ -> op.specific() || op.qualifiers().isEmpty();
            case ACTION -> op.specific();
            case COLLECTION, CREATE -> false;
        };
        if (needsIdentifier) {
            required.add(draft.addIdentifier(op, true));
        }
        for (final Operation.Qualifier qualifier : op.qualifiers()) {
            required.add(addQualifier(draft, op, qualifier));
        }
        switch (verbClass) {
            case COLLECTION -> {
                if (op.qualifiers().isEmpty() && List.of("search", "find", "query").contains(op.verb())) {
                    addRequired(draft, op, "query", Role.INPUT, required);
                }
                op.filters().forEach(f -> draft.addParameter(op, f, Role.FILTER, false));
            }
            case CREATE, ACTION -> {
                final List<String> inputs = op.inputs().isEmpty() ? takeTwo(draft, rnd) : op.inputs();
                for (int i = 0; i < inputs.size(); i++) {
                    if (i < 2) {
                        addRequired(draft, op, inputs.get(i), Role.INPUT, required);
                    } else {
                        draft.addParameter(op, inputs.get(i), Role.INPUT, false);
                    }
                }
            }
            case MODIFY -> {
                final List<String> changes = op.changes().isEmpty() ? op.inputs() : op.changes();
                (changes.isEmpty() ? takeTwo(draft, rnd) : changes)
                        .forEach(c -> draft.addParameter(op, c, Role.CHANGE, false));
            }
            case READ, REMOVE -> {
                // Identified by the identifier or the qualifiers; options below add the rest.
            }
        }
        final List<String> options = new ArrayList<>(Evolution.OPTIONS.get(verbClass));
        for (int i = 0; i < 2; i++) {
            if (rnd.nextDouble() < OPTION_RATE) {
                draft.addParameter(op, options.remove(rnd.nextInt(options.size())), Role.OPTION, false);
            }
        }
        respond(draft, op, attributes, rnd);
        return required;
    }

    /** "for a location" gives {@code location}; an entity without a rule, "to a device", its id. */
    private static String addQualifier(final ApiDraft draft, final Operation op, final Operation.Qualifier qualifier) {
        final List<String> words = English.words(qualifier.phrase());
        final boolean untyped = ParameterRules.ruleFor(words) == ParameterRules.TEXT;
        final String attribute = qualifier.hasArticle() && untyped ? qualifier.phrase() + " id" : qualifier.phrase();
        draft.addParameter(op, attribute, untyped && qualifier.hasArticle() ? Role.IDENTIFIER : Role.QUALIFIER, true);
        return ApiDraft.snake(English.words(attribute));
    }

    private static void addRequired(final ApiDraft draft, final Operation op, final String attribute, final Role role,
            final Set<String> required) {
        draft.addParameter(op, attribute, role, true);
        required.add(ApiDraft.snake(English.words(attribute)));
    }

    /** Two sub-domain attributes, for operations whose description cites none. */
    private static List<String> takeTwo(final ApiDraft draft, final SplittableRandom rnd) {
        final List<String> taken = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            final String attribute = draft.takeFromPool(rnd);
            if (attribute != null) {
                taken.add(attribute);
            }
        }
        return taken.isEmpty() ? List.of("name") : taken;
    }

    /** The response schema the verb implies, with the entity's cited and a few sub-domain attributes. */
    private static void respond(final ApiDraft draft, final Operation op, final List<String> attributes,
            final SplittableRandom rnd) {
        final List<String> shown = new ArrayList<>(op.outputs());
        final List<String> extra = new ArrayList<>(attributes);
        extra.removeAll(shown);
        for (int i = 0; i < EXTRA_OUTPUTS && !extra.isEmpty(); i++) {
            shown.add(extra.remove(rnd.nextInt(extra.size())));
        }
        final String entity = draft.entity(op);
        switch (op.verbClass()) {
            case READ -> {
                if (op.specific() || op.qualifiers().isEmpty()) {
                    draft.addOutput("id", "string", "Identifier of the " + entity + ".");
                }
                op.qualifiers().forEach(q -> draft.addOutput(q.phrase()));
                shown.forEach(draft::addOutput);
            }
            case COLLECTION -> {
                final ObjectNode item = ApiDraft.JSON.objectNode().put("type", "object");
                final ObjectNode properties = item.putObject("properties");
                properties.putObject("id").put("type", "string").put("description", "Identifier of the " + entity + ".");
                for (final String attribute : shown) {
                    final List<String> words = English.words(attribute);
                    properties.set(ApiDraft.snake(words), ParameterRules.ruleFor(words)
                            .schema(English.capitalise(attribute) + " of the " + entity + "."));
                }
                final ObjectNode results = ApiDraft.JSON.objectNode().put("type", "array")
                        .put("description", "Matching " + English.plural(entity) + ".");
                results.set("items", item);
                draft.response.putIfAbsent("results", results);
                draft.addOutput("total_count", "integer", "Number of matches across all pages.");
            }
            case CREATE -> {
                draft.addOutput("id", "string", "Identifier of the new " + entity + ".");
                draft.addOutput("status", "string", "State of the new " + entity + ".");
                draft.addOutput("created_at", "string", "When it was created.");
                draft.response.get("created_at").put("format", "date-time");
                op.inputs().stream().limit(1).forEach(draft::addOutput);
            }
            case MODIFY -> {
                draft.addOutput("id", "string", "Identifier of the " + entity + ".");
                draft.addOutput("updated_at", "string", "When it was changed.");
                draft.response.get("updated_at").put("format", "date-time");
                op.changes().forEach(draft::addOutput);
            }
            case REMOVE -> {
                draft.addOutput("id", "string", "Identifier of the " + entity + ".");
                draft.addOutput("status", "string", "State after the " + English.firstWord(op.verb()) + ".");
                draft.addOutput("processed_at", "string", "When it took effect.");
                draft.response.get("processed_at").put("format", "date-time");
            }
            case ACTION -> {
                draft.addOutput("status", "string", "Outcome of the " + English.firstWord(op.verb()) + ".");
                shown.forEach(draft::addOutput);
                draft.addOutput("processed_at", "string", "When it was processed.");
                draft.response.get("processed_at").put("format", "date-time");
            }
        }
    }

    /**
     * Several functionalities in one API: an {@code action} enum picks one; a parameter is
     * required only when every action needs it, and says which actions do otherwise.
     */
    private static void adaptMany(final ApiDraft draft, final List<String> attributes, final SplittableRandom rnd) {
        final boolean shared = ApiNames.sharedEntity(draft) != null;
        final ObjectNode action = ApiDraft.JSON.objectNode().put("type", "string")
                .put("description", "Operation to run.");
        final ArrayNode values = action.putArray("enum");
        draft.parameters.put("action", action);
        draft.required.add("action");
        final Map<String, Set<String>> requiredBy = new LinkedHashMap<>();
        final List<String> names = new ArrayList<>();
        for (final Operation op : draft.operations) {
            String value = ApiDraft.snake(English.words(shared ? op.verb() : op.action()));
            if (draft.actions.contains(value)) {
                value = ApiDraft.snake(English.words(op.name()));
            }
            draft.actions.add(value);
            values.add(value);
            names.add(op.name());
            for (final String param : adapt(draft, op, attributes, rnd)) {
                requiredBy.computeIfAbsent(param, p -> new LinkedHashSet<>()).add(value);
            }
        }
        draft.addOutput("action", "string", "The operation that ran.");
        draft.required.clear();
        draft.required.add("action");
        requiredBy.forEach((param, actions) -> {
            if (actions.size() == draft.actions.size()) {
                draft.required.add(param);
            } else {
                final ObjectNode schema = draft.parameters.get(param);
                schema.put("description", schema.path("description").asText()
                        + " Required for " + English.join(List.copyOf(actions), "and") + ".");
            }
        });
        final String subject = ApiNames.sharedEntity(draft) != null
                ? English.plural(ApiNames.sharedEntity(draft)) : draft.subDomain;
        draft.sentences.add("Runs one of several " + subject + " operations, chosen with action: "
                + English.join(names, "or") + ".");
    }

    /** The functionality's own first sentence, or one made from its name. */
    private static String describe(final Operation op) {
        final String first = op.description().split("(?<=[.!?])\\s+", 2)[0].trim();
        if (!first.isEmpty()) {
            return first.endsWith(".") || first.endsWith("!") || first.endsWith("?") ? first : first + ".";
        }
        final String firstWord = English.firstWord(op.name());
        final String verb = Verbs.baseOf(firstWord);
        return verb == null
                ? "Returns " + op.name() + "."
                : English.capitalise(Verbs.thirdPerson(verb)) + op.name().substring(firstWord.length()) + ".";
    }

    // ---------------------------------------------------------------- context

    /** The name of the subtree's node at {@code level}, else the functionality's path entry. */
    private static String levelName(final List<ContextNode> subtree, final NodeLevel level,
            final ContextNode functionality, final int pathIndex) {
        for (final ContextNode node : subtree) {
            if (node.getLevel() == level && (functionality.getId().startsWith(node.getId() + "/"))) {
                return node.getName();
            }
        }
        final List<String> path = functionality.getPath();
        return path.size() > pathIndex + 1 ? path.get(pathIndex) : "";
    }

    /** Attributes the functionality's sub-domain description lists ("works with amount, currency ..."). */
    private static List<String> subDomainAttributes(final List<ContextNode> subtree, final ContextNode functionality) {
        for (final ContextNode node : subtree) {
            if (node.getLevel() == NodeLevel.SUBDOMAIN && node.getId().equals(functionality.getParentId())) {
                return Operation.connected(node.getDescription() == null ? "" : node.getDescription(),
                        "works with", "with", "including", "covering", "such as", "using");
            }
        }
        return List.of();
    }

    // ---------------------------------------------------------------- output

    private static ObjectNode objectSchema(final Map<String, ObjectNode> properties, final Set<String> required) {
        final ObjectNode root = ApiDraft.JSON.objectNode().put("type", "object");
        final ObjectNode props = root.putObject("properties");
        properties.forEach(props::set);
        if (!required.isEmpty()) {
            final ArrayNode list = root.putArray("required");
            required.stream().filter(properties::containsKey).forEach(list::add);
        }
        return root;
    }

    private static String write(final ObjectNode schema, final boolean camelCase) {
        try {
            return MAPPER.writeValueAsString(camelCase ? camelCased(schema) : schema);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a schema built from Jackson nodes always serialises", e);
        }
    }

    /** The schema with every property name, and the required lists naming them, in camelCase. */
    private static JsonNode camelCased(final JsonNode schema) {
        if (!schema.isObject()) {
            return schema;
        }
        final ObjectNode out = ApiDraft.JSON.objectNode();
        final Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "properties" -> {
                    final ObjectNode properties = out.putObject("properties");
                    field.getValue().fields().forEachRemaining(p -> properties.set(camel(p.getKey()), camelCased(p.getValue())));
                }
                case "required" -> {
                    final ArrayNode required = out.putArray("required");
                    field.getValue().forEach(r -> required.add(camel(r.asText())));
                }
                case "items" -> out.set("items", camelCased(field.getValue()));
                default -> out.set(field.getKey(), field.getValue());
            }
        }
        return out;
    }

    private static String camel(final String snake) {
        final StringBuilder out = new StringBuilder(snake.length());
        boolean upper = false;
        for (int i = 0; i < snake.length(); i++) {
            final char c = snake.charAt(i);
            if (c == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}

package io.toolace.stream.llm.procedural.tss;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * An API being forged: its parameters and response fields as JSON Schema fragments, kept mutable
 * so adaptation builds it and each diversity indicator reshapes it in turn. Parameters are keyed
 * by snake_case names; a camelCase style is applied when the draft is written out.
 */
final class ApiDraft {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** How a parameter relates to the operation; decides its description. */
    enum Role { IDENTIFIER, QUALIFIER, INPUT, FILTER, CHANGE, OPTION, OUTPUT }

    /** A typed leaf and the rule that typed it, wherever mutations have since moved its schema. */
    record Field(String name, ObjectNode schema, ParameterRules.Rule rule) {}

    final String domain;
    final String subDomain;
    final List<Operation> operations;
    /** Sub-domain attributes not used yet: material for more parameters and richer results. */
    final List<String> pool;
    final Map<String, ObjectNode> parameters = new LinkedHashMap<>();
    final Set<String> required = new LinkedHashSet<>();
    /** Every typed parameter leaf, nested ones included, for constraints and type mutations. */
    final List<Field> fields = new ArrayList<>();
    final Map<String, ObjectNode> response = new LinkedHashMap<>();
    /** Sentences of the description, the adaptation's first. */
    final List<String> sentences = new ArrayList<>();
    /** Operation names of a multi-operation API, as the {@code action} parameter's values. */
    final List<String> actions = new ArrayList<>();
    /** Verb ADD_FUNCTIONALITY added ("export"), shown in the name; null when none. */
    String companion;

    ApiDraft(final String domain, final String subDomain, final List<Operation> operations, final List<String> pool) {
        this.domain = domain;
        this.subDomain = subDomain;
        this.operations = List.copyOf(operations);
        this.pool = new ArrayList<>(pool);
    }

    Operation primary() {
        return operations.get(0);
    }

    boolean isMulti() {
        return !actions.isEmpty();
    }

    /** The entity the API is about: the primary operation's, else the sub-domain's name in the singular. */
    String entity() {
        return entity(primary());
    }

    /** The operation's entity, else the sub-domain's name in the singular ("clock in" is about attendance). */
    String entity(final Operation op) {
        final String entity = op.entity();
        if (!entity.isEmpty()) {
            return entity;
        }
        final List<String> words = new ArrayList<>(English.words(subDomain));
        if (words.isEmpty()) {
            return "item";
        }
        words.set(words.size() - 1, English.singular(words.get(words.size() - 1)));
        return String.join(" ", words);
    }

    /**
     * Adds a parameter named by the attribute's words, typed by {@link ParameterRules}; does
     * nothing and returns false when a parameter of that name exists.
     */
    boolean addParameter(final String attribute, final Role role, final boolean isRequired) {
        return addParameter(primary(), attribute, role, isRequired);
    }

    /** As {@link #addParameter(String, Role, boolean)}, described in terms of {@code op}. */
    boolean addParameter(final Operation op, final String attribute, final Role role, final boolean isRequired) {
        final List<String> words = English.words(attribute);
        final String name = snake(words);
        if (words.isEmpty() || parameters.containsKey(name)) {
            return false;
        }
        final ParameterRules.Rule rule = ParameterRules.ruleFor(words);
        final ObjectNode schema = rule.schema(describe(op, attribute, role, rule));
        parameters.put(name, schema);
        fields.add(new Field(name, schema, rule));
        pool.remove(attribute);
        if (isRequired) {
            required.add(name);
        }
        return true;
    }

    /** Adds the identifier parameter of the operation's entity ({@code payment_id}); returns its name. */
    String addIdentifier(final Operation op, final boolean isRequired) {
        final String attribute = entity(op) + " id";
        addParameter(op, attribute, Role.IDENTIFIER, isRequired);
        return snake(English.words(attribute));
    }

    /** Adds a response field named by the attribute's words, unless one of that name exists. */
    void addOutput(final String attribute) {
        final List<String> words = English.words(attribute);
        final String name = snake(words);
        if (!words.isEmpty() && !response.containsKey(name)) {
            final ParameterRules.Rule rule = ParameterRules.ruleFor(words);
            response.put(name, rule.schema(describe(primary(), attribute, Role.OUTPUT, rule)));
        }
    }

    /** Adds a response field with an explicit schema. */
    void addOutput(final String name, final String type, final String description) {
        response.putIfAbsent(name, JSON.objectNode().put("type", type).put("description", description));
    }

    /** The next unused sub-domain attribute, or null when none is left. */
    String takeFromPool(final SplittableRandom rnd) {
        return pool.isEmpty() ? null : pool.remove(rnd.nextInt(pool.size()));
    }

    private String describe(final Operation op, final String attribute, final Role role,
            final ParameterRules.Rule rule) {
        final String entity = entity(op);
        final String sentence = switch (role) {
            case IDENTIFIER -> "Identifier of the " + attribute.replaceFirst("\\s+id$", "");
            case QUALIFIER -> English.capitalise(attribute) + " to " + op.action() + " for";
            case INPUT, OUTPUT -> English.capitalise(attribute) + " of the " + entity;
            case FILTER -> "Only " + English.plural(entity) + " with this " + attribute;
            case CHANGE -> "New " + attribute + " of the " + entity;
            case OPTION -> English.capitalise(attribute);
        };
        final String note = rule.note();
        if (role == Role.IDENTIFIER) {
            return sentence + ".";
        }
        if (!note.isEmpty() && (role == Role.OPTION || "boolean".equals(rule.type()) && role != Role.OUTPUT)) {
            return English.capitalise(note) + ".";
        }
        return sentence + "." + (informative(note, attribute) ? " " + English.capitalise(note) + "." : "");
    }

    /** A note says more than the attribute's own words when it has a word they lack. */
    private static boolean informative(final String note, final String attribute) {
        final List<String> attributeWords = English.words(attribute);
        for (final String word : English.words(note)) {
            if (!attributeWords.contains(word) && !Set.of("the", "a", "an", "of", "in", "to").contains(word)) {
                return true;
            }
        }
        return false;
    }

    static String snake(final List<String> words) {
        return String.join("_", words);
    }
}

package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.toolace.stream.llm.procedural.sdg.PlannedCall.Source;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Decides the one labelled fault a dialog carries (if any) and makes it happen. The decision comes
 * from the dialog id, so every agent of the dialog agrees on it: whether the dialog is faulty (with
 * probability {@code faultRate}), which request carries it, and, given that request's plan, which
 * fault among those that can really occur there (a dialog without required parameters cannot lose
 * one). Each injected fault is checked to be present: a mutated argument must violate its schema, a
 * hallucinated one must be ungrounded.
 */
final class FaultInjector {

    private static final int HALLUCINATION_ATTEMPTS = 24;
    private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^a-z0-9]");
    /** A hallucinated string needs room for an invented word. */
    private static final int MIN_FREE_LENGTH = 6;
    /** A hallucinated number needs a range wide enough that some value is not mentioned anywhere. */
    private static final double MIN_FREE_RANGE = 50;

    /**
     * One fault in one request.
     *
     * @param call index in the plan's calls of the call it concerns (call and tool faults)
     * @param parameter the argument it concerns, or the invented name for an unknown function or
     *     parameter, or the wrong name for a tool result; null when not applicable
     * @param value the mutated argument (type mismatch, constraint violation); null otherwise
     */
    record Injection(Fault fault, int call, String parameter, JsonNode value) {}

    private final DialogPlanner planner;
    private final List<ApiSpec> apis;
    private final int faultedRequest;

    FaultInjector(final DialogDraft draft, final DialogPlanner planner, final List<ApiSpec> apis, final double faultRate) {
        this.planner = planner;
        this.apis = apis;
        final SplittableRandom rnd = planner.random("fault", 0);
        this.faultedRequest = rnd.nextDouble() < faultRate ? rnd.nextInt(draft.getTargetTurns()) : -1;
    }

    /** Whether request {@code index} carries the dialog's fault; cheap, no plan needed. */
    boolean faulted(final int index) {
        return index == faultedRequest;
    }

    /** The fault the request carries, chosen among those applicable to its clean plan. */
    Optional<Injection> at(final RequestPlan clean) {
        if (!faulted(clean.index())) {
            return Optional.empty();
        }
        final SplittableRandom rnd = planner.random("fault-kind", clean.index());
        final Map<Fault, List<Injection>> options = options(clean, rnd);
        final List<Fault> kinds = new ArrayList<>(options.keySet());
        final List<Injection> choices = options.get(kinds.get(rnd.nextInt(kinds.size())));
        return Optional.of(choices.get(rnd.nextInt(choices.size())));
    }

    /** The plan both user and assistant follow: for a constraint violation the user asks for the bad value. */
    static RequestPlan effective(final RequestPlan clean, final Optional<Injection> injection) {
        if (injection.isPresent() && injection.get().fault() == Fault.CALL_CONSTRAINT_VIOLATION) {
            final Injection i = injection.get();
            return clean.withCall(i.call(), clean.calls().get(i.call()).withArgument(i.parameter(), i.value()));
        }
        return clean;
    }

    private Map<Fault, List<Injection>> options(final RequestPlan plan, final SplittableRandom rnd) {
        final Map<Fault, List<Injection>> options = new EnumMap<>(Fault.class);
        add(options, new Injection(Fault.DIALOG_EMPTY_TURN, -1, null, null));
        if (plan.calls().isEmpty()) {
            return options;
        }
        // A dependent request's fault goes to its second call, so the first result it links to stays intact.
        final int c = plan.type() == DialogType.DEPENDENT ? plan.calls().size() - 1
                : plan.type() == DialogType.PARALLEL ? rnd.nextInt(plan.calls().size()) : 0;
        final PlannedCall call = plan.calls().get(c);
        final ApiSpec api = call.api();
        add(options, new Injection(Fault.CALL_UNKNOWN_FUNCTION, c, unknownFunction(api), null));
        add(options, new Injection(Fault.CONSIST_TOOL_NAME_MISMATCH, c, otherName(api), null));
        add(options, new Injection(Fault.CONSIST_RESPONSE_COUNT, c, null, null));
        if (!api.acceptsUndeclared()) {
            add(options, new Injection(Fault.CALL_UNKNOWN_PARAM, c, undeclared(api), BooleanNode.TRUE));
        }
        for (final Map.Entry<String, Source> e : call.sources().entrySet()) {
            final String p = e.getKey();
            final Source source = e.getValue();
            final JsonNode schema = api.schemaOf(p);
            if (api.isRequired(p) && source != Source.SKIPPED) {
                add(options, new Injection(Fault.CALL_MISSING_REQUIRED, c, p, null));
            }
            if (source == Source.USER) {
                final JsonNode wrongType = typeMismatch(call.arguments().get(p), schema);
                if (wrongType != null) {
                    add(options, new Injection(Fault.CALL_TYPE_MISMATCH, c, p, wrongType));
                }
                final JsonNode outOfBounds = constraintViolation(call.arguments().get(p), schema);
                if (outOfBounds != null) {
                    add(options, new Injection(Fault.CALL_CONSTRAINT_VIOLATION, c, p, outOfBounds));
                }
            }
            if (source != Source.LINKED && hallucinable(schema)) {
                add(options, new Injection(Fault.MODEL_HALLUCINATION, c, p, null));
            }
        }
        return options;
    }

    private static void add(final Map<Fault, List<Injection>> options, final Injection injection) {
        options.computeIfAbsent(injection.fault(), f -> new ArrayList<>()).add(injection);
    }

    // ---- the assistant's side -----------------------------------------------------------------

    /**
     * Applies a call fault to the arguments about to be sent; returns the function name to use.
     * {@code grounds} is what the dialog offers so far, which a hallucinated value must avoid.
     */
    String applyToCall(final Injection injection, final PlannedCall planned, final ObjectNode arguments,
            final Grounding grounds, final SplittableRandom rnd) {
        final ApiSpec api = planned.api();
        switch (injection.fault()) {
            case CALL_UNKNOWN_FUNCTION:
                // A function the model imagines has no declared defaults to fill in: it sends the user's values only.
                planned.sources().forEach((p, source) -> {
                    if (source == Source.DEFAULT) {
                        arguments.remove(p);
                    }
                });
                return injection.parameter();
            case CALL_MISSING_REQUIRED:
                arguments.remove(injection.parameter());
                break;
            case CALL_UNKNOWN_PARAM:
            case CALL_TYPE_MISMATCH:
                arguments.set(injection.parameter(), injection.value());
                break;
            case MODEL_HALLUCINATION:
                arguments.set(injection.parameter(), invented(injection.parameter(), api.schemaOf(injection.parameter()),
                        grounds, rnd));
                break;
            default:
                break; // a constraint violation is already in the plan; other faults concern other turns
        }
        return api.name();
    }

    // ---- mutations ----------------------------------------------------------------------------

    /**
     * The value with its JSON type changed but its text kept (so it stays grounded: a user who said
     * 34 said "34"): a number as a string, a string or flag wrapped in an array, an array's first item
     * in place of the array or retyped, a nested number as a string. Null when no such change
     * violates the schema (a union type that admits both).
     */
    static JsonNode typeMismatch(final JsonNode value, final JsonNode schema) {
        if (value == null) {
            return null;
        }
        final JsonNode mutated;
        if (value.isNumber()) {
            mutated = TextNode.valueOf(Json.prose(value));
        } else if (value.isTextual() || value.isBoolean()) {
            mutated = JsonNodeFactory.instance.arrayNode().add(value);
        } else if (value.isArray() && !value.isEmpty()) {
            final JsonNode first = value.get(0);
            if (first.isNumber()) {
                final ArrayNode copy = value.deepCopy();
                copy.set(0, TextNode.valueOf(Json.prose(first)));
                mutated = copy;
            } else {
                mutated = first;
            }
        } else if (value.isObject()) {
            mutated = retypeNestedNumber((ObjectNode) value);
        } else {
            return null;
        }
        return !SchemaCheck.conforms(schema, mutated) ? mutated : null;
    }

    private static JsonNode retypeNestedNumber(final ObjectNode object) {
        for (final Map.Entry<String, JsonNode> f : object.properties()) {
            if (f.getValue().isNumber()) {
                final ObjectNode copy = object.deepCopy();
                copy.put(f.getKey(), Json.prose(f.getValue()));
                return copy;
            }
        }
        return JsonNodeFactory.instance.arrayNode().add(object);
    }

    /**
     * A value of the same type outside the parameter's enum or bounds, or null when the schema has
     * neither. The user will ask for exactly this value; the fault is that the assistant passes it on.
     */
    static JsonNode constraintViolation(final JsonNode value, final JsonNode schema) {
        if (value == null || !value.isValueNode()) {
            return null;
        }
        JsonNode mutated = null;
        final JsonNode options = schema.get("enum");
        if (options != null && options.isArray() && !options.isEmpty()) {
            mutated = value.isTextual() ? offEnumWord(options) : value.isNumber() ? aboveAll(options, value) : null;
        } else if (value.isNumber() && schema.path("maximum").isNumber()) {
            mutated = shifted(value, schema.get("maximum"), 1 + Math.abs(schema.get("maximum").asDouble()));
        } else if (value.isNumber() && schema.path("exclusiveMaximum").isNumber()) {
            mutated = shifted(value, schema.get("exclusiveMaximum"), 0);
        } else if (value.isNumber() && schema.path("minimum").isNumber()) {
            mutated = shifted(value, schema.get("minimum"), -1 - Math.abs(schema.get("minimum").asDouble()));
        }
        return mutated != null && SchemaType.schemaAdmits(schema, mutated) && !SchemaCheck.conforms(schema, mutated)
                ? mutated : null;
    }

    private static JsonNode offEnumWord(final JsonNode options) {
        for (final String word : Lexicon.OFF_ENUM) {
            boolean taken = false;
            for (final JsonNode o : options) {
                taken |= o.asText().equalsIgnoreCase(word);
            }
            if (!taken) {
                return TextNode.valueOf(word);
            }
        }
        return null;
    }

    private static JsonNode aboveAll(final JsonNode options, final JsonNode like) {
        double max = Double.NEGATIVE_INFINITY;
        for (final JsonNode o : options) {
            max = Math.max(max, o.asDouble());
        }
        return like.isIntegralNumber() ? LongNode.valueOf((long) max + 1) : DoubleNode.valueOf(max + 1);
    }

    /** The bound plus an offset, of the value's own kind: an integer stays an integer. */
    private static JsonNode shifted(final JsonNode like, final JsonNode bound, final double offset) {
        final double v = bound.asDouble() + offset;
        return like.isIntegralNumber() ? LongNode.valueOf(Math.round(v)) : DoubleNode.valueOf(v);
    }

    /**
     * Whether an invented value can be both valid and recognisably ungrounded: a free string (no enum,
     * const, pattern or format; room for a word) or a number with a wide range.
     */
    static boolean hallucinable(final JsonNode schema) {
        if (schema.has("enum") || schema.has("const")) {
            return false;
        }
        switch (SchemaType.of(schema)) {
            case STRING:
                return !schema.has("pattern") && !schema.has("format")
                        && schema.path("maxLength").asInt(Integer.MAX_VALUE) >= MIN_FREE_LENGTH
                        && schema.path("minLength").asInt(0) <= MIN_FREE_LENGTH * 2;
            case INTEGER: case NUMBER:
                if (schema.has("multipleOf")) {
                    return false;
                }
                final double lo = schema.path("minimum").asDouble(Double.NEGATIVE_INFINITY);
                final double hi = schema.path("maximum").asDouble(Double.POSITIVE_INFINITY);
                return hi - lo >= MIN_FREE_RANGE && !schema.has("exclusiveMinimum") && !schema.has("exclusiveMaximum");
            default:
                return false;
        }
    }

    /**
     * A valid value for the parameter that the dialog so far does not contain and that is not its
     * default: first plausible values (another city, another count), then invented words or numbers
     * drawn from the whole range, finally a scan of the range for numbers.
     */
    static JsonNode invented(final String parameter, final JsonNode schema, final Grounding grounds,
            final SplittableRandom rnd) {
        for (int attempt = 0; attempt < HALLUCINATION_ATTEMPTS; attempt++) {
            final JsonNode candidate = attempt < HALLUCINATION_ATTEMPTS / 2
                    ? ValueForge.value(parameter, schema, 0, rnd) : free(schema, rnd);
            if (ungrounded(candidate, schema, grounds)) {
                return candidate;
            }
        }
        if (SchemaType.of(schema) != SchemaType.STRING) {
            final double[] window = window(schema);
            for (long v = (long) Math.ceil(window[0]); v <= window[1]; v++) {
                final JsonNode candidate = LongNode.valueOf(v);
                if (ungrounded(candidate, schema, grounds)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("found no ungrounded value for '" + parameter + "' within " + schema);
    }

    private static boolean ungrounded(final JsonNode candidate, final JsonNode schema, final Grounding grounds) {
        final JsonNode declared = schema.get("default");
        return !grounds.grounds(candidate) && (declared == null || !SchemaCheck.sameValue(declared, candidate))
                && SchemaCheck.conforms(schema, candidate);
    }

    /** An invented word, or a number drawn uniformly from the schema's range (not the name's usual range). */
    private static JsonNode free(final JsonNode schema, final SplittableRandom rnd) {
        if (SchemaType.of(schema) == SchemaType.STRING) {
            return TextNode.valueOf(Lexicon.capitalize(ValueForge.letters(rnd, MIN_FREE_LENGTH, MIN_FREE_LENGTH + 2)));
        }
        final double[] window = window(schema);
        if (SchemaType.of(schema) == SchemaType.INTEGER) {
            final long lo = (long) Math.ceil(window[0]);
            return LongNode.valueOf(lo + rnd.nextLong((long) Math.floor(window[1]) - lo + 1));
        }
        return DoubleNode.valueOf(Math.round((window[0] + rnd.nextDouble() * (window[1] - window[0])) * 100) / 100.0);
    }

    /** The schema's range, an open side cut to a thousand wide. */
    private static double[] window(final JsonNode schema) {
        final double lo = schema.path("minimum").asDouble(Double.NEGATIVE_INFINITY);
        final double hi = schema.path("maximum").asDouble(Double.POSITIVE_INFINITY);
        if (Double.isInfinite(lo) && Double.isInfinite(hi)) {
            return new double[] {100, 1099};
        }
        if (Double.isInfinite(hi)) {
            return new double[] {lo, lo + 1000};
        }
        return Double.isInfinite(lo) ? new double[] {hi - 1000, hi} : new double[] {lo, hi};
    }

    /** A plausible function name that no tool has, even ignoring case and separators. */
    private String unknownFunction(final ApiSpec api) {
        String candidate = Lexicon.humanize(api.name()).replace(' ', '_') + "_v2";
        while (knownName(candidate)) {
            candidate = candidate + "x";
        }
        return candidate;
    }

    /** The name a mixed-up tool agent would put on the result: another tool's, else an invented one. */
    private String otherName(final ApiSpec api) {
        for (final ApiSpec other : apis) {
            if (!normalised(other.name()).equals(normalised(api.name()))) {
                return other.name();
            }
        }
        return unknownFunction(api);
    }

    private static String undeclared(final ApiSpec api) {
        for (final String flag : Lexicon.UNDECLARED_FLAGS) {
            boolean taken = false;
            for (final String p : api.parameterNames()) {
                taken |= normalised(p).equals(normalised(flag));
            }
            if (!taken) {
                return flag;
            }
        }
        return "undeclared_flag_" + api.parameterNames().size();
    }

    private boolean knownName(final String name) {
        for (final ApiSpec api : apis) {
            if (normalised(api.name()).equals(normalised(name))) {
                return true;
            }
        }
        return false;
    }

    private static String normalised(final String name) {
        return NOT_ALPHANUMERIC.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("");
    }
}

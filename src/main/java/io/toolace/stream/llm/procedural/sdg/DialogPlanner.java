package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.llm.procedural.sdg.PlannedCall.Source;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plans each user request of a dialog from the dialog's id alone (and the backend seed), so that the
 * user, assistant and tool agents, each answering a separate request, derive the same plan: which
 * APIs, which argument values, which parameter a clarification leaves out, how a dependent call
 * links to the previous result. The plan is the "ground truth" the user phrases and the assistant
 * acts on, as a procedural stand-in for the paper's role-playing LLM agents.
 */
final class DialogPlanner {

    /** Chance that a later request refers back to a value of the previous request's result, where one fits. */
    private static final double FOLLOW_UP_SHARE = 0.5;
    /** Chance that an optional parameter the user leaves out is still sent with its declared default. */
    private static final double DEFAULT_SHARE = 0.35;
    private static final int DISTINCT_ATTEMPTS = 4;
    /** Schema keywords that restrict a value beyond its type; a link needs the field to carry the same. */
    private static final List<String> CONSTRAINTS = List.of("const", "pattern", "format", "minLength", "maxLength",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");

    /** Not the draft: a planner outlives the step that made it, and must not keep the turns. */
    private final String dialogId;
    private final DialogType dialogType;
    private final List<ApiSpec> apis;
    private final long dialogSeed;
    private final Persona persona;
    private final double mixedShare;
    private final Map<Integer, RequestPlan> plans = new ConcurrentHashMap<>();

    DialogPlanner(final DialogDraft draft, final List<ApiSpec> apis, final long backendSeed, final double mixedShare) {
        this.dialogId = draft.getId();
        this.dialogType = draft.getDialogType();
        this.mixedShare = mixedShare;
        this.apis = apis;
        this.dialogSeed = ContentHash.seed(Long.toString(backendSeed), draft.getId());
        this.persona = Persona.of(draft, random("persona", 0));
        if (apis.isEmpty() && draft.getDialogType() != DialogType.NON_TOOL) {
            throw new IllegalArgumentException("dialog " + draft.getId() + " is of type " + draft.getDialogType()
                    + " but offers no tools");
        }
    }

    List<ApiSpec> apis() {
        return apis;
    }

    Persona persona() {
        return persona;
    }

    /**
     * A random source for one purpose of one request, the same in every agent and every run with this
     * backend seed. One hash per dialog; the (purpose, request) seeds are mixed from it, because
     * SplittableRandom seeds that differ by its internal increment give the same stream shifted by one.
     */
    SplittableRandom random(final String purpose, final int request) {
        return new SplittableRandom(mix(dialogSeed ^ mix(31L * purpose.hashCode() + request)));
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: every input bit affects every output bit. */
    private static long mix(final long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The plan of request {@code index} (0-based), before any fault. Kept once made: the agents of every step
     * of the request ask for it again, and the plan must not be changed by them (faults and follow-ups work on
     * copies).
     */
    RequestPlan plan(final int index) {
        return plans.computeIfAbsent(index, this::planned);
    }

    private RequestPlan planned(final int index) {
        final SplittableRandom rnd = random("request", index);
        final DialogType type = DialogScript.typeOf(dialogId, dialogType, index, mixedShare);
        switch (type) {
            case SINGLE:
                return new RequestPlan(index, type, List.of(call(pick(apis, rnd), rnd, null, null)), null, null, null);
            case PARALLEL:
                return new RequestPlan(index, type, parallelCalls(rnd), null, null, null);
            case DEPENDENT:
                return dependent(index, rnd);
            case CLARIFY:
                return clarify(index, rnd);
            case NON_TOOL:
                return new RequestPlan(index, type, List.of(), null, null,
                        NonToolTopic.pick(index, toolWords(), random("topics", 0)));
            default:
                throw new IllegalArgumentException("unknown dialog type " + type);
        }
    }

    /**
     * Whether request {@code index} should take a value from the previous request's result when one
     * fits (see {@link FollowUp}); only requests after the first, of types whose first call the user states.
     */
    boolean followsUp(final int index) {
        final DialogType type = DialogScript.typeOf(dialogId, dialogType, index, mixedShare);
        return index > 0 && (type == DialogType.SINGLE || type == DialogType.PARALLEL || type == DialogType.CLARIFY)
                && random("follow-up", index).nextDouble() < FOLLOW_UP_SHARE;
    }

    /**
     * A call to {@code api}: required parameters from the user, optional ones from the user as often as
     * the persona asks for details, else sometimes the declared default, else left out.
     *
     * @param forced a parameter the user must state even if optional (a clarification's subject), or null
     * @param linked a parameter whose value the previous result supplies, or null
     */
    private PlannedCall call(final ApiSpec api, final SplittableRandom rnd, final String forced, final String linked) {
        final ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        final Map<String, Source> sources = new LinkedHashMap<>();
        for (final String parameter : api.parameterNames()) {
            final JsonNode schema = api.schemaOf(parameter);
            final Source source;
            if (parameter.equals(linked)) {
                source = Source.LINKED;
            } else if (api.isRequired(parameter) || parameter.equals(forced) || rnd.nextDouble() < persona.optionalShare()) {
                source = Source.USER;
            } else if (usableDefault(schema) && rnd.nextDouble() < DEFAULT_SHARE) {
                source = Source.DEFAULT;
            } else {
                source = Source.SKIPPED;
            }
            sources.put(parameter, source);
            if (source == Source.USER) {
                arguments.set(parameter, userValue(parameter, schema, arguments, rnd));
            } else if (source == Source.DEFAULT) {
                arguments.set(parameter, schema.get("default"));
            }
        }
        return new PlannedCall(api, arguments, sources);
    }

    /**
     * A value for the user to state, unlike the call's other values where the schema leaves room: a
     * flight from DXB to DXB or a rate from JPY to JPY reads as nonsense.
     */
    private JsonNode userValue(final String parameter, final JsonNode schema, final ObjectNode others,
            final SplittableRandom rnd) {
        JsonNode value = ValueForge.value(parameter, schema, persona.optionalShare(), rnd);
        for (int attempt = 0; attempt < DISTINCT_ATTEMPTS && value.isTextual() && contains(others, value); attempt++) {
            value = ValueForge.value(parameter, schema, persona.optionalShare(), rnd);
        }
        return value;
    }

    private static boolean contains(final ObjectNode arguments, final JsonNode value) {
        for (final JsonNode v : arguments) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** A default counts only if it is a value the schema accepts; pool APIs sometimes declare ones that are not. */
    private static boolean usableDefault(final JsonNode schema) {
        final JsonNode value = schema.get("default");
        return value != null && !value.isNull() && SchemaCheck.conforms(schema, value);
    }

    /**
     * Two or three calls in one turn: the same API with different arguments, or different APIs. A
     * repeated API must vary, so an API whose calls cannot differ (no free parameter) is not repeated.
     */
    private List<PlannedCall> parallelCalls(final SplittableRandom rnd) {
        final int n = persona.parallelCalls();
        final List<PlannedCall> calls = new ArrayList<>(n);
        if (apis.size() >= 2 && rnd.nextBoolean()) {
            final List<ApiSpec> order = shuffled(apis, rnd);
            for (int i = 0; i < Math.min(n, order.size()); i++) {
                calls.add(call(order.get(i), rnd, null, null));
            }
            return calls;
        }
        final ApiSpec api = pick(apis, rnd);
        final ApiSpec neighbour = apis.get((apis.indexOf(api) + 1) % apis.size());
        calls.add(call(api, rnd, null, null));
        while (calls.size() < n) {
            PlannedCall next = distinctCall(api, calls, rnd);
            if (next == null) {
                next = distinctCall(neighbour, calls, rnd);
            }
            if (next == null) {
                break;
            }
            calls.add(next);
        }
        if (calls.size() < 2) {
            // The tools admit one distinct call only (no free parameter): a parallel request still asks twice.
            calls.add(call(neighbour, rnd, null, null));
        }
        return calls;
    }

    /** A call to {@code api} that differs from every call so far, or null after a few tries. */
    private PlannedCall distinctCall(final ApiSpec api, final List<PlannedCall> calls, final SplittableRandom rnd) {
        for (int attempt = 0; attempt < DISTINCT_ATTEMPTS; attempt++) {
            final PlannedCall next = call(api, rnd, null, null);
            if (!repeats(next, calls)) {
                return next;
            }
        }
        return null;
    }

    private static boolean repeats(final PlannedCall call, final List<PlannedCall> calls) {
        for (final PlannedCall c : calls) {
            if (c.api() == call.api() && c.arguments().equals(call.arguments())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Two calls, the second taking a value from the first's result. When no result field of any tool
     * fits any parameter, the request cannot be dependent: two unlinked calls under that label would
     * teach a model that "depending on what comes back" means nothing, so the agent refuses and the
     * draft ends rejected with the reason.
     */
    private RequestPlan dependent(final int index, final SplittableRandom rnd) {
        final LinkChoice choice = bestLink(rnd);
        if (choice == null) {
            throw new IllegalArgumentException("dialog " + dialogId + " cannot be dependent: no result field of "
                    + "its tools fits a parameter of another call by type and constraints");
        }
        return new RequestPlan(index, DialogType.DEPENDENT,
                List.of(call(choice.from, rnd, null, null), call(choice.to, rnd, null, choice.link.parameter())),
                choice.link, null, null);
    }

    private RequestPlan clarify(final int index, final SplittableRandom rnd) {
        final List<ApiSpec> withRequired = new ArrayList<>();
        for (final ApiSpec api : apis) {
            if (api.hasRequired()) {
                withRequired.add(api);
            }
        }
        final ApiSpec api = pick(withRequired.isEmpty() ? apis : withRequired, rnd);
        final List<String> candidates = new ArrayList<>();
        for (final String p : api.parameterNames()) {
            // A boolean is a poor thing to forget; a required parameter is the natural one to ask for.
            if (SchemaType.of(api.schemaOf(p)) != SchemaType.BOOLEAN && (api.isRequired(p) || !api.hasRequired())) {
                candidates.add(p);
            }
        }
        if (candidates.isEmpty()) {
            candidates.addAll(api.parameterNames());
        }
        final String missing = candidates.isEmpty() ? null : pick(candidates, rnd);
        return new RequestPlan(index, DialogType.CLARIFY, List.of(call(api, rnd, missing, null)), null, missing, null);
    }

    // ---- dependent links ----------------------------------------------------------------------

    private record LinkChoice(ApiSpec from, ApiSpec to, Link link, double score) {}

    /**
     * The most plausible (first API, result field, second API, parameter) quadruple whose field value
     * the parameter accepts: same name scores highest, then id-like names, then shared words; a
     * second API different from the first is preferred. Null when no field fits any parameter.
     */
    private LinkChoice bestLink(final SplittableRandom rnd) {
        LinkChoice best = null;
        for (final ApiSpec from : apis) {
            final List<ApiSpec.ResultField> fields = from.resultFields();
            for (final ApiSpec to : apis) {
                for (final String parameter : to.parameterNames()) {
                    final SchemaType parameterType = to.typeOf(parameter);
                    final JsonNode parameterSchema = to.schemaOf(parameter);
                    for (final ApiSpec.ResultField field : fields) {
                        if (!typed(parameterType, field.type()) || !constrained(parameterSchema, field.schema())) {
                            continue;
                        }
                        final double score = affinity(field, parameter, to.wordsOf(parameter))
                                + (from == to ? 0 : 4) + (to.isRequired(parameter) ? 1 : 0) + rnd.nextDouble();
                        if (best == null || score > best.score) {
                            best = new LinkChoice(from, to, new Link(field.path(), parameter), score);
                        }
                    }
                }
            }
        }
        return best;
    }

    /**
     * Whether every value a field schema of a {@link #typed} type admits is a value the parameter accepts:
     * each constraint of the parameter repeated by the field (an enum by a subset).
     */
    private static boolean constrained(final JsonNode parameter, final JsonNode field) {
        for (final String k : CONSTRAINTS) {
            if (parameter.has(k) && !SchemaCheck.sameValue(parameter.get(k), field.path(k))) {
                return false;
            }
        }
        final JsonNode options = parameter.get("enum");
        if (options != null) {
            final JsonNode fieldOptions = field.get("enum");
            if (fieldOptions == null || !fieldOptions.isArray()) {
                return false;
            }
            for (final JsonNode o : fieldOptions) {
                if (!SchemaCheck.conforms(parameter, o)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a scalar field of type {@code f} can feed a parameter of type {@code p} (an integer a number). */
    private static boolean typed(final SchemaType p, final SchemaType f) {
        final boolean same = p == f || (p == SchemaType.NUMBER && f == SchemaType.INTEGER)
                || (p == SchemaType.ANY && f == SchemaType.STRING);
        return same && (f == SchemaType.STRING || f == SchemaType.INTEGER || f == SchemaType.NUMBER);
    }

    private static double affinity(final ApiSpec.ResultField field, final String parameter,
            final Set<String> parameterWords) {
        if (field.name().equalsIgnoreCase(parameter)) {
            return 4;
        }
        if (field.words().contains("id") && parameterWords.contains("id")) {
            return 2;
        }
        for (final String word : field.words()) {
            if (parameterWords.contains(word)) {
                return 1;
            }
        }
        return 0;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Lowercase words of every tool's name and description: what a no-tool request must avoid. */
    private Set<String> toolWords() {
        final Set<String> words = new HashSet<>();
        for (final ApiSpec api : apis) {
            for (final String w : (api.name() + " " + api.description()).toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                words.add(w);
            }
        }
        return words;
    }

    static <T> T pick(final List<T> items, final SplittableRandom rnd) {
        return items.get(rnd.nextInt(items.size()));
    }

    private static <T> List<T> shuffled(final List<T> items, final SplittableRandom rnd) {
        final List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            copy.set(i, copy.set(j, copy.get(i)));
        }
        return copy;
    }
}

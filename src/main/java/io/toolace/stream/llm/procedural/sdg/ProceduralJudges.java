package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The model layer of Dual-Layer Verification (ToolACE, DLV) answered procedurally: four expert
 * questions, each a real check of the sample's content (never of its fault labels).
 *
 * <ul>
 *   <li>{@code MODEL_HALLUCINATION}: every string or number inside every call's arguments occurs in
 *       a user turn, an earlier tool result or the system prompt, or is the declared default.
 *   <li>{@code MODEL_INCONSISTENT}: every user request gets an answer, the dialog ends with one, and
 *       an answer after tool results quotes each result and states no number the dialog lacks.
 *   <li>{@code MODEL_TOOL_RESPONSE_MISMATCH}: every tool result names a declared API and conforms to
 *       its response schema.
 *   <li>{@code MODEL_REPETITIVE}: no assistant message is empty, filler, a run of one word, or the
 *       previous assistant message again.
 * </ul>
 *
 * <p>Thread-safe and stateless.
 */
public final class ProceduralJudges {

    public static final String HALLUCINATION = "MODEL_HALLUCINATION";
    public static final String INCONSISTENT = "MODEL_INCONSISTENT";
    public static final String TOOL_RESPONSE_MISMATCH = "MODEL_TOOL_RESPONSE_MISMATCH";
    public static final String REPETITIVE = "MODEL_REPETITIVE";

    private static final Set<String> FILLER = Set.of("ok", "okay", "sure", "done", "yes", "no", "hmm", "n/a", "na",
            "thanks", "noted", "alright", "fine", "right", "k");
    /** A word said this many times in a row is a loop, not emphasis. */
    private static final int WORD_RUN = 4;
    private static final Pattern LETTER_OR_DIGIT = Pattern.compile("[\\p{L}\\p{N}]");
    private static final Pattern PUNCTUATION = Pattern.compile("[^\\p{L}\\p{N}/ ]");

    public JudgeResult judge(final AgentTask task, final Sample sample) {
        switch (task) {
            case JUDGE_HALLUCINATION: return hallucination(sample);
            case JUDGE_CONSISTENCY: return consistency(sample);
            case JUDGE_TOOL_RESPONSE: return toolResponse(sample);
            case JUDGE_REPETITIVE: return repetitive(sample);
            default: throw new IllegalArgumentException("the judges answer JUDGE_* tasks, not " + task);
        }
    }

    // ---- hallucination --------------------------------------------------------------------------

    private static JudgeResult hallucination(final Sample sample) {
        final List<ApiSpec> apis = ApiSpec.of(sample.getTools());
        final List<Turn> turns = sample.getTurns();
        final Grounding grounds = Grounding.of(sample.getSystem(), sample.getTools(), List.of());
        for (int t = 0; t < turns.size(); t++) {
            final Turn turn = turns.get(t);
            grounds.add(turn); // an assistant turn adds nothing, so a call is judged on what came before it
            if (turn.getRole() != Role.ASSISTANT || turn.getCalls().isEmpty()) {
                continue;
            }
            for (final FunctionCall call : turn.getCalls()) {
                final Optional<JsonNode> arguments =
                        Json.tryParseShared(call.getArguments()).filter(JsonNode::isObject);
                if (arguments.isEmpty()) {
                    continue; // unparseable arguments are the rule layer's finding, not a hallucination
                }
                final ApiSpec api = ApiSpec.find(apis, call.getName());
                final JsonNode schema = api == null ? Json.MAPPER.createObjectNode() : api.parameters();
                final String invented = ungrounded(arguments.get(), schema, "", grounds);
                if (invented != null) {
                    return fail(HALLUCINATION, t, "argument " + invented + " of " + call.getName()
                            + " appears in no user turn, earlier tool result or the system prompt, and is not a declared default");
                }
            }
        }
        return pass(HALLUCINATION);
    }

    /** The first ungrounded scalar under {@code value} as "path = value", or null; a value equal to its schema's default is grounded whole. */
    private static String ungrounded(final JsonNode value, final JsonNode schema, final String path, final Grounding grounds) {
        final JsonNode declared = schema.get("default");
        if (declared != null && SchemaCheck.sameValue(declared, value)) {
            return null;
        }
        if (value.isObject()) {
            for (final Map.Entry<String, JsonNode> f : value.properties()) {
                final String found = ungrounded(f.getValue(), schema.path("properties").path(f.getKey()),
                        path.isEmpty() ? f.getKey() : path + "." + f.getKey(), grounds);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                final JsonNode items = schema.path("items");
                final String found = ungrounded(value.get(i), items.isArray() ? items.path(i) : items, path + "[" + i + "]", grounds);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return grounds.grounds(value) ? null : path + " = " + value;
    }

    // ---- consistency ----------------------------------------------------------------------------

    private static JudgeResult consistency(final Sample sample) {
        final List<Turn> turns = sample.getTurns();
        // Every number the dialog has stated so far: in the system prompt, the tools, user turns, calls and results.
        final Set<BigDecimal> known = new HashSet<>();
        Grounding.addPromptNumbers(sample.getSystem(), sample.getTools(), known);
        for (final ApiDefinition api : sample.getTools()) {
            collect(api.getName(), known);
            collect(api.getDescription(), known);
        }
        int pendingRequest = -1;
        Turn lastTool = null;
        for (int t = 0; t < turns.size(); t++) {
            final Turn turn = turns.get(t);
            if (turn.getRole() == Role.USER) {
                if (pendingRequest >= 0) {
                    return fail(INCONSISTENT, pendingRequest, "the user's request got no answer before the next user turn");
                }
                pendingRequest = t;
                collect(turn.getText(), known);
            } else if (turn.getRole() == Role.TOOL) {
                lastTool = turn;
                for (final ToolResult r : turn.getResults()) {
                    collect(r.getResults(), known);
                    // A summary writes field names as words: "price_2024" is read as "price 2024".
                    collect(r.getResults().replace('_', ' ').replace('-', ' '), known);
                }
            } else if (!turn.getCalls().isEmpty()) {
                for (final FunctionCall c : turn.getCalls()) {
                    collect(c.getArguments(), known);
                }
            } else {
                final String text = turn.getText() == null ? "" : turn.getText();
                if (text.isBlank()) {
                    return fail(INCONSISTENT, t, "the assistant's answer is empty");
                }
                if (lastTool != null) {
                    final String problem = unfaithful(text, lastTool, known);
                    if (problem != null) {
                        return fail(INCONSISTENT, t, problem);
                    }
                }
                pendingRequest = -1;
                lastTool = null;
            }
        }
        if (pendingRequest >= 0 || turns.isEmpty()) {
            return fail(INCONSISTENT, turns.size() - 1, "the dialog ends before the user's last request is answered");
        }
        return pass(INCONSISTENT);
    }

    /**
     * Why an answer does not follow the tool results before it: a result none of whose values it quotes,
     * or a number it states that neither a result, a call, a user turn nor the tools contain. Null if faithful.
     */
    private static String unfaithful(final String text, final Turn tool, final Set<BigDecimal> known) {
        final Grounding answer = Grounding.inText(text);
        for (final ToolResult result : tool.getResults()) {
            final Optional<JsonNode> parsed = Json.tryParseShared(result.getResults());
            if (parsed.isEmpty()) {
                continue; // an unreadable result is the tool-response judge's finding
            }
            boolean quotable = false;
            boolean quoted = false;
            for (final Json.Leaf leaf : Json.leaves(parsed.get())) {
                final JsonNode v = leaf.value();
                if (v.isNumber() || v.isTextual() && !v.asText().isBlank()) {
                    quotable = true;
                    quoted |= answer.grounds(v);
                }
            }
            if (quotable && !quoted) {
                return "the answer mentions nothing of the result of " + result.getName();
            }
        }
        for (final BigDecimal n : Grounding.numbersIn(text)) {
            if (!known.contains(n)) {
                return "the answer states " + Json.plain(n) + ", which no tool result, call or user turn contains";
            }
        }
        return null;
    }

    private static void collect(final String text, final Set<BigDecimal> known) {
        if (text != null) {
            Grounding.collectNumbers(text, known);
        }
    }

    // ---- tool responses -------------------------------------------------------------------------

    private static JudgeResult toolResponse(final Sample sample) {
        final List<ApiSpec> apis = ApiSpec.of(sample.getTools());
        final List<Turn> turns = sample.getTurns();
        for (int t = 0; t < turns.size(); t++) {
            if (turns.get(t).getRole() != Role.TOOL) {
                continue;
            }
            for (final ToolResult result : turns.get(t).getResults()) {
                final ApiSpec api = ApiSpec.find(apis, result.getName());
                if (api == null) {
                    return fail(TOOL_RESPONSE_MISMATCH, t, "the result is named " + result.getName()
                            + ", which no tool declares");
                }
                final Optional<JsonNode> parsed = Json.tryParseShared(result.getResults());
                if (parsed.isEmpty()) {
                    return fail(TOOL_RESPONSE_MISMATCH, t, "the result of " + api.name() + " is not JSON");
                }
                final List<String> violations = SchemaCheck.violations(api.response(), parsed.get(), 1);
                if (!violations.isEmpty()) {
                    return fail(TOOL_RESPONSE_MISMATCH, t, "the result of " + api.name()
                            + " does not follow its response schema: " + violations.get(0));
                }
            }
        }
        return pass(TOOL_RESPONSE_MISMATCH);
    }

    // ---- repetition -----------------------------------------------------------------------------

    private static JudgeResult repetitive(final Sample sample) {
        final List<Turn> turns = sample.getTurns();
        String previous = null;
        for (int t = 0; t < turns.size(); t++) {
            final Turn turn = turns.get(t);
            if (turn.getRole() != Role.ASSISTANT || !turn.getCalls().isEmpty()) {
                continue;
            }
            final String text = Lexicon.normalised(turn.getText() == null ? "" : turn.getText());
            if (!LETTER_OR_DIGIT.matcher(text).find()) {
                return fail(REPETITIVE, t, "the assistant message is empty or has no words");
            }
            if (FILLER.contains(PUNCTUATION.matcher(text).replaceAll("").trim())) {
                return fail(REPETITIVE, t, "the assistant message is filler: " + turn.getText());
            }
            if (hasWordRun(text)) {
                return fail(REPETITIVE, t, "the assistant message repeats one word over and over");
            }
            if (text.equals(previous)) {
                return fail(REPETITIVE, t, "the assistant message repeats the previous one word for word");
            }
            previous = text;
        }
        return pass(REPETITIVE);
    }

    /** Whether one word occurs {@link #WORD_RUN} times in a row (the text is already lowercase). */
    private static boolean hasWordRun(final String text) {
        String previous = "";
        int run = 0;
        int i = 0;
        while (i < text.length()) {
            if (!Character.isLetterOrDigit(text.charAt(i))) {
                i++;
                continue;
            }
            final int start = i;
            while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            final String word = text.substring(start, i);
            run = word.equals(previous) ? run + 1 : 1;
            if (run >= WORD_RUN) {
                return true;
            }
            previous = word;
        }
        return false;
    }

    private static JudgeResult pass(final String rule) {
        return new JudgeResult(rule, true, -1, "");
    }

    private static JudgeResult fail(final String rule, final int turn, final String reason) {
        return new JudgeResult(rule, false, turn, reason);
    }
}

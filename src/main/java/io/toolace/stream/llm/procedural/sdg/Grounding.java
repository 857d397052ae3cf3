package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an argument value may be grounded in at some point of a dialog: the system prompt, the user's
 * turns and the tool results so far. A string is grounded when it occurs in that text
 * (case-insensitively); a number when a number of equal value stands in it on its own (12 in "12 hours"
 * or "12.0", not in "LH120"); booleans and empty strings are exempt (a flag or an empty value states
 * nothing that could be invented). The hallucination judge and the hallucination fault use this one
 * definition, so an injected value is exactly one the judge must flag.
 *
 * <p>Grounds grow turn by turn ({@link #add}), so a judge walks a dialog once.
 */
final class Grounding {

    /** What the prompt's own words ground, around its list of tools. */
    private static final Piece PROMPT_FRAME = Piece.of(ToolDefinitions.toolAcePromptOf(List.of()));
    /**
     * Prompts read recently that are not the prompt of their sample's tools, which is read tool by tool (each
     * {@link ApiSpec} keeps its piece). A prompt repeats every tool's schema, and two judges read it: scanning it
     * for numbers for each was the largest single cost of judging (8% of a run's CPU).
     */
    private static final BoundedCache<String, Piece> PROMPTS = new BoundedCache<>(512);

    private final List<Piece> prompt;
    private final StringBuilder text = new StringBuilder();
    private final Set<BigDecimal> numbers = new HashSet<>();

    private Grounding(final List<Piece> prompt) {
        this.prompt = prompt;
    }

    /** The grounds the system prompt, which may list {@code tools}, and all of {@code turns} offer. */
    static Grounding of(final String system, final List<ApiDefinition> tools, final List<Turn> turns) {
        final Grounding grounds = new Grounding(prompt(system, tools));
        turns.forEach(grounds::add);
        return grounds;
    }

    /** The grounds one text offers: whether a message mentions a value, in the same sense. */
    static Grounding inText(final String text) {
        final Grounding grounds = new Grounding(List.of());
        grounds.append(text);
        return grounds;
    }

    /** Adds the numbers standing on their own in a system prompt, which may list {@code tools}, to {@code out}. */
    static void addPromptNumbers(final String system, final List<ApiDefinition> tools, final Set<BigDecimal> out) {
        for (final Piece piece : prompt(system, tools)) {
            out.addAll(piece.numbers());
        }
    }

    /**
     * The prompt as pieces: the frame and each tool's entry when it is ToolACE's prompt of {@code tools}, as in
     * every sample of the pipeline; else the whole prompt. A value spanning two pieces would need to hold the
     * {@code ", "} between two tools' entries.
     */
    private static List<Piece> prompt(final String system, final List<ApiDefinition> tools) {
        if (system == null || system.isEmpty()) {
            return List.of();
        }
        if (!tools.isEmpty() && system.equals(ToolSamples.systemPrompt(tools))) {
            final List<ApiSpec> apis;
            try {
                apis = ApiSpec.of(tools);
            } catch (final IllegalArgumentException notJson) {
                return List.of(PROMPTS.get(system, Piece::of)); // a tool with a broken schema has no spec
            }
            final List<Piece> pieces = new ArrayList<>(apis.size() + 1);
            pieces.add(PROMPT_FRAME);
            for (final ApiSpec api : apis) {
                pieces.add(api.prompted());
            }
            return pieces;
        }
        return List.of(PROMPTS.get(system, Piece::of));
    }

    /** Adds what a turn offers: a user's text, a tool's results (assistant turns ground nothing). */
    void add(final Turn turn) {
        if (turn.getRole() == Role.USER) {
            append(turn.getText());
        } else if (turn.getRole() == Role.TOOL) {
            for (final ToolResult result : turn.getResults()) {
                append(result.getResults());
                // Also the unescaped values, so a string with a quote or a non-ASCII letter still matches.
                Json.tryParseShared(result.getResults()).ifPresent(parsed -> {
                    for (final Json.Leaf leaf : Json.leaves(parsed)) {
                        if (leaf.value().isTextual()) {
                            append(leaf.value().asText());
                        }
                    }
                });
            }
        }
    }

    boolean grounds(final JsonNode scalar) {
        if (scalar.isNumber()) {
            final BigDecimal value = scalar.decimalValue().stripTrailingZeros();
            return numbers.contains(value) || prompt.stream().anyMatch(piece -> piece.numbers().contains(value));
        }
        if (scalar.isTextual()) {
            final String value = scalar.asText().toLowerCase(Locale.ROOT);
            return value.isBlank() || text.indexOf(value) >= 0
                    || prompt.stream().anyMatch(piece -> piece.text().contains(value));
        }
        return true;
    }

    private void append(final String piece) {
        if (piece != null) {
            text.append('\n').append(piece.toLowerCase(Locale.ROOT));
            collectNumbers(piece, numbers);
        }
    }

    /** The numbers standing on their own in a text, by value. */
    static Set<BigDecimal> numbersIn(final String text) {
        final Set<BigDecimal> out = new HashSet<>();
        collectNumbers(text, out);
        return out;
    }

    /**
     * Adds each number that stands on its own: an optional minus, digits, an optional fraction and
     * exponent, not preceded by a letter, digit, underscore or dot. Hand-written because it runs over
     * every text a judge reads, where a regular expression with a look-behind costs most of the judging.
     */
    static void collectNumbers(final String text, final Set<BigDecimal> out) {
        final int n = text.length();
        int i = 0;
        while (i < n) {
            final char c = text.charAt(i);
            final boolean free = i == 0 || !isWordOrDot(text.charAt(i - 1));
            final boolean negative = c == '-' && i + 1 < n && isDigit(text.charAt(i + 1));
            if (!free || !(negative || isDigit(c))) {
                i++;
                continue;
            }
            final int start = i;
            i = digits(text, negative ? i + 1 : i);
            if (i + 1 < n && text.charAt(i) == '.' && isDigit(text.charAt(i + 1))) {
                i = digits(text, i + 1);
            }
            if (i + 1 < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                final int sign = text.charAt(i + 1) == '+' || text.charAt(i + 1) == '-' ? i + 2 : i + 1;
                if (sign < n && isDigit(text.charAt(sign))) {
                    i = digits(text, sign);
                }
            }
            out.add(new BigDecimal(text.substring(start, i)).stripTrailingZeros());
        }
    }

    /** What a piece of a system prompt grounds: its text in lower case and its numbers. */
    record Piece(String text, Set<BigDecimal> numbers) {
        static Piece of(final String prompt) {
            return new Piece(prompt.toLowerCase(Locale.ROOT), Collections.unmodifiableSet(numbersIn(prompt)));
        }
    }

    private static int digits(final String text, final int from) {
        int i = from;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordOrDot(final char c) {
        return c == '.' || c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}

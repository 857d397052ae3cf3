package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.math.BigDecimal;
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

    /**
     * Prompts read recently. A sample's prompt repeats every tool's schema and two judges read it: scanning it
     * for numbers twice was the largest single cost of judging (8% of a run's CPU). A generation of 512 holds
     * the prompts of the samples being judged at a few megabytes.
     */
    private static final BoundedCache<String, Prompt> PROMPTS = new BoundedCache<>(512);

    private final Prompt prompt;
    private final StringBuilder text = new StringBuilder();
    private final Set<BigDecimal> numbers = new HashSet<>();

    private Grounding(final Prompt prompt) {
        this.prompt = prompt;
    }

    /** The grounds the system prompt and all of {@code turns} offer. */
    static Grounding of(final String system, final List<Turn> turns) {
        final Grounding grounds = new Grounding(prompt(system));
        turns.forEach(grounds::add);
        return grounds;
    }

    /** The grounds one text offers: whether a message mentions a value, in the same sense. */
    static Grounding inText(final String text) {
        final Grounding grounds = new Grounding(Prompt.NONE);
        grounds.append(text);
        return grounds;
    }

    /** The numbers standing on their own in a system prompt; not to be modified. */
    static Set<BigDecimal> numbersInPrompt(final String system) {
        return prompt(system).numbers();
    }

    private static Prompt prompt(final String system) {
        return system == null || system.isEmpty() ? Prompt.NONE : PROMPTS.get(system, Prompt::of);
    }

    /** Adds what a turn offers: a user's text, a tool's results (assistant turns ground nothing). */
    void add(final Turn turn) {
        if (turn.getRole() == Role.USER) {
            append(turn.getText());
        } else if (turn.getRole() == Role.TOOL) {
            for (final ToolResult result : turn.getResults()) {
                append(result.getResults());
                // Also the unescaped values, so a string with a quote or a non-ASCII letter still matches.
                Json.tryParse(result.getResults()).ifPresent(parsed -> {
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
            return prompt.numbers().contains(value) || numbers.contains(value);
        }
        if (scalar.isTextual()) {
            final String value = scalar.asText().toLowerCase(Locale.ROOT);
            return value.isBlank() || prompt.text().contains(value) || text.indexOf(value) >= 0;
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

    /** What a system prompt grounds: its text in lower case and its numbers. */
    private record Prompt(String text, Set<BigDecimal> numbers) {
        static final Prompt NONE = new Prompt("", Set.of());

        static Prompt of(final String system) {
            return new Prompt(system.toLowerCase(Locale.ROOT), Collections.unmodifiableSet(numbersIn(system)));
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

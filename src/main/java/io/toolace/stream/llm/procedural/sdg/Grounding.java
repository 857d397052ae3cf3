package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an argument value may be grounded in at some point of a dialog: the system prompt, the user's
 * turns and the tool results so far. A string is grounded when it occurs in that text
 * (case-insensitively); a number when a number of equal value stands in it on its own (12 in "12 hours"
 * or "12.0", not in "LH120"); booleans and empty strings are
 * exempt (a flag or an empty value states nothing that could be invented). The hallucination judge
 * and the hallucination fault use this one definition, so an injected value is exactly one the judge
 * must flag.
 */
final class Grounding {

    /** A number standing on its own: not the tail of a word or identifier ("A320", "v2.5"). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");

    private final String text;
    private final Set<BigDecimal> numbers;

    /** The grounds before turn {@code end} (exclusive). */
    Grounding(final String system, final List<Turn> turns, final int end) {
        final StringBuilder all = new StringBuilder(system == null ? "" : system);
        for (int i = 0; i < end; i++) {
            final Turn turn = turns.get(i);
            if (turn.getRole() == Role.USER && turn.getText() != null) {
                all.append('\n').append(turn.getText());
            } else if (turn.getRole() == Role.TOOL) {
                for (final ToolResult result : turn.getResults()) {
                    all.append('\n').append(result.getResults());
                    // Also the unescaped values, so a string with a quote or a non-ASCII letter still matches.
                    Json.tryParse(result.getResults()).ifPresent(parsed -> {
                        for (final Json.Leaf leaf : Json.leaves(parsed)) {
                            all.append('\n').append(leaf.value().asText());
                        }
                    });
                }
            }
        }
        this.text = all.toString().toLowerCase(Locale.ROOT);
        this.numbers = numbersIn(text);
    }

    /** The grounds one text offers: whether a message mentions a value, in the same sense. */
    static Grounding inText(final String text) {
        return new Grounding(text, List.of(), 0);
    }

    boolean grounds(final JsonNode scalar) {
        if (scalar.isNumber()) {
            return numbers.contains(scalar.decimalValue().stripTrailingZeros());
        }
        if (scalar.isTextual()) {
            final String value = scalar.asText().toLowerCase(Locale.ROOT);
            return value.isBlank() || text.contains(value);
        }
        return true;
    }

    /** The numbers standing on their own in a text, by value. */
    static Set<BigDecimal> numbersIn(final String text) {
        final Set<BigDecimal> out = new HashSet<>();
        final Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(new BigDecimal(m.group()).stripTrailingZeros());
        }
        return out;
    }
}

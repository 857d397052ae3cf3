package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GroundingTest {

    @Test
    void onlyNumbersThatStandOnTheirOwnCount() {
        assertThat(numbers("12 hours, LH120, v2.5, price_2024, A320")).containsExactly("12");
        assertThat(numbers("2024-06-01")).containsExactlyInAnyOrder("2024", "6", "1");
        assertThat(numbers("-5 degrees, a-7, (3), 4.")).containsExactlyInAnyOrder("-5", "7", "3", "4");
        assertThat(numbers("1.50 and 1.0E10 and 5em")).containsExactlyInAnyOrder("1.5", "1E+10", "5");
    }

    @Test
    void stringsMatchCaseInsensitivelyAndOnlyEarlierTurnsGround() {
        final Grounding grounds = Grounding.of("You help travellers.", List.of(), List.of(
                new Turn(Role.USER, "Flights to PARIS on 2025-06-01 for 2 people", List.of(), List.of(), List.of()),
                new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult("Search", "{\"note\":\"caf\\u00e9 \\\"Le Dome\\\"\",\"price\":99.5}")), List.of())));
        assertThat(grounds.grounds(TextNode.valueOf("Paris"))).isTrue();
        assertThat(grounds.grounds(TextNode.valueOf("Lyon"))).isFalse();
        assertThat(grounds.grounds(TextNode.valueOf("caf\u00e9 \"Le Dome\""))).as("an escaped result value").isTrue();
        assertThat(grounds.grounds(IntNode.valueOf(2))).isTrue();
        assertThat(grounds.grounds(DoubleNode.valueOf(99.50))).isTrue();
        assertThat(grounds.grounds(IntNode.valueOf(3))).isFalse();
        assertThat(grounds.grounds(BooleanNode.FALSE)).as("flags are exempt").isTrue();
        assertThat(grounds.grounds(TextNode.valueOf(""))).as("empty strings are exempt").isTrue();
    }

    @Test
    void thePromptGroundsEveryDialogThatSharesItAndNoDialogGroundsAnother() {
        // Given two dialogs under one system prompt, the second read after the first added its user turn
        final String system = "Tools: [{\"name\": \"Rooms\", \"max_nights\": 14}]";
        final Grounding first = Grounding.of(system, List.of(), List.of(
                new Turn(Role.USER, "A room in Oslo for 3 nights", List.of(), List.of(), List.of())));
        final Grounding second = Grounding.of(new String(system.toCharArray()), List.of(), List.of());

        // Then both are grounded in the prompt, and only the first in its own turn
        for (final Grounding grounds : List.of(first, second)) {
            assertThat(grounds.grounds(TextNode.valueOf("ROOMS"))).isTrue();
            assertThat(grounds.grounds(IntNode.valueOf(14))).isTrue();
        }
        assertThat(first.grounds(TextNode.valueOf("Oslo"))).isTrue();
        assertThat(first.grounds(IntNode.valueOf(3))).isTrue();
        assertThat(second.grounds(TextNode.valueOf("Oslo"))).isFalse();
        assertThat(second.grounds(IntNode.valueOf(3))).isFalse();
        final Set<BigDecimal> known = new HashSet<>();
        Grounding.addPromptNumbers(system, List.of(), known);
        assertThat(known).containsExactly(new BigDecimal("14"));
    }

    @Test
    void thePromptOfTheToolsGroundsToolByToolWhatTheWholePromptWould() {
        // Given the pipeline's prompt of the tools, and the same text not known to be one
        final String system = ToolSamples.systemPrompt(Fixtures.ALL);
        final Grounding byTool = Grounding.of(system, Fixtures.ALL, List.of());
        final Grounding whole = Grounding.of(system, List.of(), List.of());

        // Then the same numbers, and the same words, ground in both
        final Set<BigDecimal> pieces = new HashSet<>();
        Grounding.addPromptNumbers(system, Fixtures.ALL, pieces);
        assertThat(pieces).isNotEmpty().isEqualTo(Grounding.numbersIn(system));
        for (final BigDecimal n : pieces) {
            assertThat(byTool.grounds(DecimalNode.valueOf(n))).as("%s", n).isTrue();
        }
        for (final String word : system.split("[^\\p{L}\\p{N}_]+")) {
            assertThat(byTool.grounds(TextNode.valueOf(word.toUpperCase(Locale.ROOT)))).as(word)
                    .isEqualTo(whole.grounds(TextNode.valueOf(word))).isTrue();
        }
        assertThat(byTool.grounds(TextNode.valueOf("Lyon"))).isFalse();
        assertThat(byTool.grounds(IntNode.valueOf(987_654))).isFalse();

        // And a prompt that is not the tools' prompt is read whole
        final Grounding other = Grounding.of(system + " Budget: 987654 in Lyon.", Fixtures.ALL, List.of());
        assertThat(other.grounds(TextNode.valueOf("Lyon"))).isTrue();
        assertThat(other.grounds(IntNode.valueOf(987_654))).isTrue();
    }

    private static Set<String> numbers(final String text) {
        return Grounding.numbersIn(text).stream().map(BigDecimal::toString).collect(Collectors.toSet());
    }
}

package io.toolace.stream.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AvroTextTest {

    /** Characters Avro escapes, and some next to them that it does not. */
    private static final String CHARS = "aZ09 {}[]:,\"\\/\b\f\n\r\t\u0000\u0001\u001F\u007F\u0080\u009F\u00A0é東"
            + "\u1FFF\u2000\u2028\u20FF\u2100\uD83D\uDE00'";

    @Test
    void turnsReadAsAvroWritesThem() {
        // Given random turns of every role, with and without text, calls, results and thinking
        final Random random = new Random(20261126L);
        for (int n = 0; n < 2_000; n++) {
            final List<Turn> turns = new ArrayList<>();
            for (int t = random.nextInt(5); t > 0; t--) {
                final List<FunctionCall> calls = new ArrayList<>();
                for (int c = random.nextInt(3); c > 0; c--) {
                    calls.add(new FunctionCall(text(random), text(random)));
                }
                final List<ToolResult> results = new ArrayList<>();
                for (int r = random.nextInt(3); r > 0; r--) {
                    results.add(new ToolResult(text(random), text(random)));
                }
                final List<String> thinking = new ArrayList<>();
                for (int k = random.nextInt(3); k > 0; k--) {
                    thinking.add(text(random));
                }
                turns.add(new Turn(Role.values()[random.nextInt(Role.values().length)],
                        random.nextInt(4) == 0 ? null : text(random), calls, results, thinking));
            }
            // Then the text is Avro's own, for the list and for each turn
            assertThat(AvroText.of(turns)).isEqualTo(turns.toString());
            for (final Turn turn : turns) {
                assertThat(AvroText.of(turn)).isEqualTo(turn.toString());
            }
        }
    }

    private static String text(final Random random) {
        final StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            out.append(CHARS.charAt(random.nextInt(CHARS.length())));
        }
        return out.toString();
    }
}

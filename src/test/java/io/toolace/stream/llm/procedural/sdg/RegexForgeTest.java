package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RegexForgeTest {

    @Property(tries = 500)
    void generatedStringsMatchTheirPattern(@ForAll("patterns") final String pattern, @ForAll final long seed) {
        final String s = RegexForge.of(pattern).generate(new SplittableRandom(seed), 0, Integer.MAX_VALUE);
        assertThat(Pattern.compile(pattern).matcher(s).matches()).as("%s for %s", s, pattern).isTrue();
    }

    @Property(tries = 300)
    void generatedStringsRespectLengthBoundsWhenThePatternAllows(@ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int min = rnd.nextInt(1, 6);
        final int max = min + rnd.nextInt(0, 6);
        final String s = RegexForge.of("^[A-Z]{1,3}-?\\d+$").generate(rnd, min + 1, max + 1);
        assertThat(s.length()).isBetween(min + 1, max + 1);
        assertThat(s).matches("^[A-Z]{1,3}-?\\d+$");
    }

    @Test
    void realisticPatternsFromApiSchemas() {
        final SplittableRandom rnd = new SplittableRandom(3);
        for (final String p : List.of("^[A-Z]{3}$", "^[A-Z]{2}\\d{3,4}$", "^\\+?[0-9]{7,15}$", "^[a-z0-9_-]{3,16}$",
                "^\\d{5}-?\\d{0,4}$", "[A-Z][a-z]+", "^ISBN\\d{10}$",
                "^[^@\\s]+$", "^v\\d+\\.\\d+\\.\\d+$")) {
            for (int i = 0; i < 50; i++) {
                final String s = RegexForge.of(p).generate(rnd, 1, 64);
                assertThat(Pattern.compile(p).matcher(s).find()).as("%s for %s", s, p).isTrue();
            }
        }
    }

    @Test
    void patternsOutsideTheSubsetFailNamingWhatAndWhere() {
        assertThatThrownBy(() -> RegexForge.of("^(ab|cd)$")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groups and alternation").hasMessageContaining("position 1");
        assertThatThrownBy(() -> RegexForge.of("^a\\bc$")).hasMessageContaining("word boundaries");
        assertThatThrownBy(() -> RegexForge.of("^[a-z$")).hasMessageContaining("unclosed character class");
        assertThatThrownBy(() -> RegexForge.of("^a{3,1}$")).hasMessageContaining("quantifier {3,1}");
        assertThatThrownBy(() -> RegexForge.of("^[A-Z]{3}$").generate(new SplittableRandom(1), 5, 8))
                .hasMessageContaining("cannot produce a string of length 5..8");
    }

    @Provide
    Arbitrary<String> patterns() {
        final Arbitrary<String> atom = Arbitraries.oneOf(
                Arbitraries.chars().alpha().numeric().map(String::valueOf),
                Arbitraries.of("\\.", "\\-", "\\+", "_", "-", "@", "/", ":"),
                Arbitraries.of("\\d", "\\w", "\\s", "."),
                Arbitraries.of("[A-Z]", "[a-z]", "[a-z0-9_-]", "[0-9a-f]", "[A-Za-z]", "[^abc]", "[\\d.]", "[-x]", "[]a]"));
        final Arbitrary<String> quantifier = Arbitraries.of("", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "+?");
        final Arbitrary<String> piece = Combinators.combine(atom, quantifier).as(String::concat);
        return Combinators.combine(Arbitraries.of("", "^"), piece.list().ofMinSize(1).ofMaxSize(6), Arbitraries.of("", "$"))
                .as((start, pieces, end) -> start + String.join("", pieces) + end);
    }
}

package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adaptation prefers rarely used functionalities: coverage evens out far faster than uniform draws. */
class TreeCoverageTest {

    private static final int NODES = 3_553;

    @Test
    void drawingTheRarelyUsedCoversTheTreeEvenlyWhereUniformDrawsLeaveGaps() {
        final TreeCoverage coverage = new TreeCoverage();
        final TreeCoverage uniform = new TreeCoverage();
        for (int i = 0; i < NODES; i++) {
            coverage.add("f" + i, 0);
            uniform.add("f" + i, 0);
        }
        final SplittableRandom rnd = new SplittableRandom(3);
        // As many evolution draws as the pool's eight generations make
        for (int draw = 0; draw < 8 * NODES; draw++) {
            coverage.use(coverage.pickRarelyUsed(rnd));
            uniform.use("f" + rnd.nextInt(NODES));
        }

        assertThat(spread(coverage).max - spread(coverage).min).isLessThanOrEqualTo(3);
        assertThat(spread(coverage).min).isPositive();
        assertThat(spread(uniform).max - spread(uniform).min).isGreaterThan(10);
    }

    @Test
    void aNodeAddedLateIsPreferredUntilItCatchesUpAndKnownCountsSurviveARestart() {
        final TreeCoverage coverage = new TreeCoverage();
        coverage.add("old", 40);
        coverage.add("old", 0);
        coverage.add("new", 0);
        final SplittableRandom rnd = new SplittableRandom(5);
        int newPicks = 0;
        for (int i = 0; i < 20; i++) {
            final String picked = coverage.pickRarelyUsed(rnd);
            coverage.use(picked);
            newPicks += picked.equals("new") ? 1 : 0;
        }
        assertThat(coverage.uses("old")).isGreaterThanOrEqualTo(40);
        // a uniform draw would pick it 10 times in 20; four choices miss it only when all four hit "old"
        assertThat(newPicks).isGreaterThanOrEqualTo(15);
    }

    private record Spread(int min, int max) {}

    private static Spread spread(final TreeCoverage coverage) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < NODES; i++) {
            min = Math.min(min, coverage.uses("f" + i));
            max = Math.max(max, coverage.uses("f" + i));
        }
        return new Spread(min, max);
    }
}

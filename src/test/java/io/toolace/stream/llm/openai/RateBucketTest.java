package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void holdsOneSecondsWorthThenRefillsAtTheMinuteRate() {
        // Given 120 a minute: 2 at once, then one every half second
        final RateBucket bucket = new RateBucket(120, 0);

        // Then
        for (int i = 0; i < 2; i++) {
            assertThat(bucket.waitFor(1, 0)).isZero();
            bucket.take(1);
        }
        assertThat(bucket.waitFor(1, 0)).isCloseTo(SECOND / 2, within(2L));
        assertThat(bucket.waitFor(1, SECOND / 2)).isZero();
    }

    @Test
    void aTakeLargerThanTheBucketWaitsForAFullBucketAndLeavesDebt() {
        // Given 600 tokens a minute: a bucket of 10
        final RateBucket bucket = new RateBucket(600, 0);

        // When
        assertThat(bucket.waitFor(50, 0)).isZero();
        bucket.take(50);

        // Then the 40 owed are paid back before the next call: 50 tokens at 10 a second
        assertThat(bucket.waitFor(1, 0)).isCloseTo(41 * SECOND / 10, within(2L));
    }

    @Test
    void refundGivesBackWhatAnAnswerDidNotUse() {
        final RateBucket bucket = new RateBucket(600, 0);
        bucket.take(10);

        bucket.refund(7);

        assertThat(bucket.waitFor(7, 0)).isZero();
        assertThat(bucket.waitFor(8, 0)).isPositive();
    }
}

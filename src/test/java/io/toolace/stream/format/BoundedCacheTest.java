package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

    @Test
    void computesAKeyOnceWhileItRecurs() {
        final BoundedCache<String, Integer> cache = new BoundedCache<>(4);
        final AtomicInteger computed = new AtomicInteger();

        for (int round = 0; round < 50; round++) {
            for (final String key : List.of("a", "b", "c")) {
                assertThat(cache.get(key, k -> { computed.incrementAndGet(); return (int) k.charAt(0); })).isEqualTo((int) key.charAt(0));
            }
        }

        assertThat(computed).hasValue(3);
    }

    @Test
    void holdsAtMostTwoGenerationsOfDistinctKeys() {
        final BoundedCache<Integer, Integer> cache = new BoundedCache<>(100);

        IntStream.range(0, 100_000).parallel().forEach(i -> cache.get(i, k -> -k));

        final int bound = 2 * 100 + Runtime.getRuntime().availableProcessors();
        assertThat(cache.size()).isLessThanOrEqualTo(bound);
        assertThat(IntStream.range(0, 100_000).filter(i -> cache.peek(i) != null).count()).isBetween(100L, (long) bound);
    }

    @Test
    void aHitInTheOldGenerationKeepsTheEntry() {
        final BoundedCache<Integer, Integer> cache = new BoundedCache<>(10);
        final List<Integer> computedKeys = new ArrayList<>();
        cache.get(-1, k -> { computedKeys.add(k); return k; });

        for (int i = 0; i < 100; i++) {
            cache.get(i, k -> { computedKeys.add(k); return k; });
            cache.get(-1, k -> { computedKeys.add(k); return k; });
        }

        assertThat(computedKeys).filteredOn(k -> k == -1).hasSize(1);
    }

    @Test
    void refusesAnEmptyGeneration() {
        assertThatThrownBy(() -> new BoundedCache<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

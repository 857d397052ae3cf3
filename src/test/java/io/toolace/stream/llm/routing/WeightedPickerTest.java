package io.toolace.stream.llm.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WeightedPickerTest {

    @Test
    void picksSplitByWeight() {
        // Given
        final WeightedPicker<String> picker = new WeightedPicker<>(List.of(
                new WeightedPicker.Replica<>("strong", 3, "strong", () -> true),
                new WeightedPicker.Replica<>("strong-2", 1, "strong-2", () -> true)));

        // When
        final Map<String, Integer> counts = picks(picker, 1_000);

        // Then
        assertThat(counts.get("strong")).isBetween(740, 760);
        assertThat(counts.get("strong-2")).isBetween(240, 260);
    }

    @Test
    void heavyReplicaIsNotPickedInABunch() {
        final WeightedPicker<String> picker = new WeightedPicker<>(List.of(
                new WeightedPicker.Replica<>("a", 2, "a", () -> true),
                new WeightedPicker.Replica<>("b", 1, "b", () -> true)));

        assertThat(List.of(picker.pick(), picker.pick(), picker.pick(), picker.pick(), picker.pick(), picker.pick()))
                .containsExactly("a", "b", "a", "a", "b", "a");
    }

    @Test
    void unavailableReplicaIsSkippedAndBackWhenItRecovers() {
        // Given
        final AtomicBoolean up = new AtomicBoolean(false);
        final WeightedPicker<String> picker = new WeightedPicker<>(List.of(
                new WeightedPicker.Replica<>("dead", 3, "dead", up::get),
                new WeightedPicker.Replica<>("live", 1, "live", () -> true)));

        // Then
        assertThat(picks(picker, 100)).containsOnlyKeys("live");
        up.set(true);
        assertThat(picks(picker, 100)).containsKeys("dead", "live");
    }

    @Test
    void whenNoneIsAvailableAllArePickedSoTheCallSaysWhy() {
        final WeightedPicker<String> picker = new WeightedPicker<>(List.of(
                new WeightedPicker.Replica<>("a", 1, "a", () -> false),
                new WeightedPicker.Replica<>("b", 1, "b", () -> false)));

        assertThat(picks(picker, 10)).containsEntry("a", 5).containsEntry("b", 5);
    }

    @Test
    void weightMustBePositive() {
        assertThatThrownBy(() -> new WeightedPicker.Replica<>("a", 0, "a", () -> true))
                .hasMessage("replica a: weight must be positive, got 0");
    }

    private static Map<String, Integer> picks(final WeightedPicker<String> picker, final int n) {
        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(picker.pick(), 1, Integer::sum);
        }
        return counts;
    }
}

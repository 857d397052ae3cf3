package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The export's pure steps: the sample filter, exact dedup and the seeded split. */
class ExportSelectionTest {

    @Test
    void filterKeepsListedTypesAndDomainsIgnoringCase() {
        final SampleFilter filter = SampleFilter.of(List.of("single", "Parallel"), List.of("Weather"), List.of());
        assertThat(filter.accepts("SINGLE", "weather", Set.of())).isTrue();
        assertThat(filter.accepts("PARALLEL", "WEATHER", Set.of())).isTrue();
        assertThat(filter.accepts("CLARIFY", "weather", Set.of())).isFalse();
        assertThat(filter.accepts("SINGLE", "finance", Set.of())).isFalse();
        assertThat(SampleFilter.ALL.accepts("CLARIFY", "finance", Set.of("CALL_UNKNOWN_FUNCTION"))).isTrue();
    }

    @Test
    void verdictConditionsTreatARuleWithoutAVerdictAsPassed() {
        final SampleFilter failedHallucination = SampleFilter.of(List.of(), List.of(), List.of("model_hallucination=FAIL"));
        assertThat(failedHallucination.accepts("SINGLE", "d", Set.of("MODEL_HALLUCINATION"))).isTrue();
        assertThat(failedHallucination.accepts("SINGLE", "d", Set.of("DIALOG_TOO_LONG"))).isFalse();
        final SampleFilter passedBoth = SampleFilter.of(List.of(), List.of(),
                List.of("DIALOG_TOO_LONG=pass", "MODEL_REPETITIVE=pass"));
        assertThat(passedBoth.accepts("SINGLE", "d", Set.of())).isTrue();
        assertThat(passedBoth.accepts("SINGLE", "d", Set.of("MODEL_REPETITIVE"))).isFalse();
    }

    @Test
    void malformedOrContradictoryVerdictConditionsAreRefused() {
        for (final String condition : List.of("MODEL_REPETITIVE", "MODEL_REPETITIVE=maybe", "=pass", "A=pass=fail")) {
            assertThatThrownBy(() -> SampleFilter.of(List.of(), List.of(), List.of(condition)))
                    .as(condition).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RULE=pass");
        }
        assertThatThrownBy(() -> SampleFilter.of(List.of(), List.of(), List.of("A=pass", "A=fail")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both pass and fail");
    }

    @Test
    void dedupKeepsTheFirstOfEachContentAndCountsTheRest() {
        final ExactDedup dedup = new ExactDedup();
        final List<Boolean> kept = new ArrayList<>();
        for (final String line : List.of("{\"a\":1}", "{\"a\":2}", "{\"a\":1}", "{\"a\":1}", "{\"a\": 1}")) {
            kept.add(dedup.first(line));
        }
        assertThat(kept).containsExactly(true, true, false, false, true);
        assertThat(dedup.duplicates()).isEqualTo(2);
    }

    @Test
    void splitAssignmentDependsOnSeedAndKeyOnlyNotOnOrder() {
        final List<String> keys = IntStream.range(0, 2_000).mapToObj(i -> "sample-" + i).toList();
        final Map<String, String> first = assignAll(DatasetSplit.parse("train=0.9,test=0.1", 42), keys);
        final List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(7));
        // A fresh split (a rerun) over the keys in another order, with more keys among them, assigns alike.
        final List<String> more = new ArrayList<>(shuffled);
        more.add("sample-new");
        final Map<String, String> again = assignAll(DatasetSplit.parse("train=0.9,test=0.1", 42), more);
        keys.forEach(key -> assertThat(again.get(key)).as(key).isEqualTo(first.get(key)));
        final Map<String, String> otherSeed = assignAll(DatasetSplit.parse("train=0.9,test=0.1", 43), keys);
        assertThat(keys.stream().filter(key -> !otherSeed.get(key).equals(first.get(key))).count()).isPositive();
    }

    @Test
    void splitSharesFollowTheSpec() {
        final DatasetSplit split = DatasetSplit.parse("train=8,dev=1,test=1", 42);
        assertThat(split.names()).containsExactly("train", "dev", "test");
        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            counts.merge(split.assign("k" + i), 1, Integer::sum);
        }
        assertThat(counts.get("train") / 20_000.0).isBetween(0.78, 0.82);
        assertThat(counts.get("dev") / 20_000.0).isBetween(0.08, 0.12);
        assertThat(counts.get("test") / 20_000.0).isBetween(0.08, 0.12);
    }

    @Test
    void malformedSplitsAreRefused() {
        for (final String spec : List.of("train", "train=0.9,test", "train=-1,test=1", "train=0,test=1", "train=x",
                "a b=1", "train=0.5,train=0.5", "")) {
            assertThatThrownBy(() -> DatasetSplit.parse(spec, 1)).as(spec).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Map<String, String> assignAll(final DatasetSplit split, final List<String> keys) {
        final Map<String, String> parts = new HashMap<>();
        keys.forEach(key -> parts.put(key, split.assign(key)));
        return parts;
    }
}

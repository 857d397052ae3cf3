package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.DialogType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class DialogMixTest {

    private static KeyValueStore<String, Long> store() {
        final KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PlannerStage.COUNTERS_STORE), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    /** Plans {@code n} dialogs; every third CLARIFY one is rejected, everything else verified. */
    private static List<DialogType> run(final DialogMix mix, final int n) {
        final List<DialogType> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final DialogType type = mix.next();
            picked.add(type);
            mix.ended(type, type != DialogType.CLARIFY || i % 3 != 0);
        }
        return picked;
    }

    @Test
    void aRestartedTaskPicksWhatItWouldHavePickedWithoutTheRestart() {
        final Map<DialogType, Double> weights = PipelineConfig.defaultMix();
        final List<DialogType> uninterrupted = run(new DialogMix(weights, store()), 200);

        final KeyValueStore<String, Long> counters = store();
        final List<DialogType> resumed = new ArrayList<>(run(new DialogMix(weights, counters), 90));
        resumed.addAll(run(new DialogMix(weights, counters), 110));

        assertThat(resumed).isEqualTo(uninterrupted);
    }

    @Test
    void aTypeWithoutWeightIsNeverPickedAndTiesGoToTheFirstType() {
        final DialogMix mix = new DialogMix(Map.of(DialogType.PARALLEL, 1.0, DialogType.SINGLE, 1.0), store());

        assertThat(run(mix, 4)).containsExactly(DialogType.SINGLE, DialogType.PARALLEL, DialogType.SINGLE,
                DialogType.PARALLEL);
    }
}

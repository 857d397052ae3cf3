package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.toolace.stream.records.ApiDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The block key, the compact fingerprint, and the near-duplicate processor's store on its own. */
class NearDuplicatesTest {

    private static final String PARAMETERS = """
            {"type":"object","properties":{"city":{"type":"string","description":"City."}},"required":["city"]}""";

    @Test
    void theFastSimilarityEqualsApiSignatureSimilarityAndStaysUnderItsBoundOnProceduralApis() {
        final ProceduralCandidates procedural = new ProceduralCandidates(7);
        final List<ApiDefinition> apis = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            final ApiDefinition adapted = procedural.adapt(procedural.functionalities().get(i * 7), null);
            apis.add(adapted);
            apis.add(procedural.evolve(adapted));
        }
        final List<ApiSignature.Fingerprint> fingerprints = apis.stream()
                .map(api -> ApiSignature.fingerprint(api.getName(), api.getDescription(), api.getParameters())).toList();
        final List<NearDuplicates.Entry> entries = apis.stream().map(api -> NearDuplicates.Entry.of(api, 0)).toList();
        int compared = 0;
        for (int i = 0; i < apis.size(); i++) {
            for (int j = i; j < Math.min(apis.size(), i + 40); j++) {
                assertThat(entries.get(i).similarity(entries.get(j)))
                        .as("%s ~ %s", apis.get(i).getName(), apis.get(j).getName())
                        .isCloseTo(ApiSignature.similarity(fingerprints.get(i), fingerprints.get(j)), within(1e-12))
                        .isLessThanOrEqualTo(entries.get(i).similarityBound(entries.get(j)) + 1e-12);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(30_000);
    }

    @Test
    void anEntryRoundTripsThroughItsStoreFormat() {
        final ApiDefinition api = PoolStageTest.api("Grüße senden", "Sends greetings to a city.", "Forecasts", PARAMETERS);
        final NearDuplicates.Entry entry = NearDuplicates.Entry.of(api, 41);
        final NearDuplicates.Entry decoded = NearDuplicates.Entry.decode(entry.encode());
        assertThat(decoded.name()).isEqualTo("Grüße senden");
        assertThat(decoded.seq()).isEqualTo(41);
        assertThat(decoded.similarity(entry)).isCloseTo(1.0, within(1e-12));
        assertThatThrownBy(() -> NearDuplicates.Entry.decode(new byte[] {9, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an encoded fingerprint");
    }

    @Test
    void theBlockIsTheNormalisedSubDomainOrTheDomainOrOneSharedBlock() {
        final ApiDefinition api = PoolStageTest.api("A", "B.", "Hourly  Forecasts!", PARAMETERS);
        assertThat(NearDuplicates.block(api)).isEqualTo("weather/hourly forecasts");
        assertThat(NearDuplicates.block(ApiDefinition.newBuilder(api).setSubdomain("").build())).isEqualTo("weather");
        assertThat(NearDuplicates.block(ApiDefinition.newBuilder(api).setSubdomain("").setDomain(" ").build()))
                .isEqualTo(NearDuplicates.NO_BLOCK);
    }

    /** What a task revived after an aborted transaction does: a new processor on the restored store. */
    @Test
    void aProcessorStartedOnAFilledStoreKnowsTheBlockAndTheRingKeepsTheLatestApis() {
        final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PoolStage.BLOCKS_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        final MockProcessorContext<String, ApiDefinition> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);

        // Given a block of capacity 2 that pooled three different APIs: the first was pushed out
        final NearDuplicateProcessor first = new NearDuplicateProcessor(0.9, 2);
        first.init(context);
        final List<ApiDefinition> apis = List.of(
                PoolStageTest.api("Get Hourly Forecast", "Hourly forecast for a city.", "Forecasts", PARAMETERS),
                PoolStageTest.api("List Weather Alerts", "Active weather alerts of a region.", "Forecasts", """
                        {"type":"object","properties":{"region":{"type":"string","description":"Region."}}}"""),
                PoolStageTest.api("Get Pollen Count", "Pollen count at a station today.", "Forecasts", """
                        {"type":"object","properties":{"station":{"type":"string","description":"Station."}}}"""));
        for (final ApiDefinition api : apis) {
            first.process(new Record<>("weather/forecasts", api, 0L));
        }
        assertThat(rejections(context)).containsExactly(null, null, null);

        // When a new processor on the same store sees copies of the first and the last
        final NearDuplicateProcessor revived = new NearDuplicateProcessor(0.9, 2);
        revived.init(context);
        revived.process(new Record<>("weather/forecasts", copy(apis.get(2)), 0L));
        revived.process(new Record<>("weather/forecasts", copy(apis.get(0)), 0L));

        // Then the copy of the last pooled is rejected; the first is no longer in the ring, so its copy is pooled
        assertThat(rejections(context)).containsExactly(String.format(Locale.ROOT,
                "API_NEAR_DUPLICATE: similar (%.2f) to pooled API 'Get Pollen Count'", 1.0), null);
        assertThat(store.approximateNumEntries()).isEqualTo(2);
    }

    private static ApiDefinition copy(final ApiDefinition api) {
        final String name = api.getName().toLowerCase(Locale.ROOT).replace(' ', '_');
        return ApiDefinition.newBuilder(api).setName(name).setId(ApiSignature.hash(name, api.getParameters())).build();
    }

    private static List<String> rejections(final MockProcessorContext<String, ApiDefinition> context) {
        final List<String> reasons = new ArrayList<>();
        context.forwarded().forEach(f -> reasons.add(f.record().value().getRejection()));
        context.resetForwards();
        return reasons;
    }
}

package io.toolace.stream.dlv;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The content hashes of samples verified within the dedup horizon, each with its dialog id, so that a
 * repeat is rejected as a duplicate. A window store whose retention is the horizon, as Kafka Streams'
 * deduplication examples keep it: RocksDB drops whole segments once stream time has passed them, so the
 * store holds about (verified samples per unit of time) x horizon entries however long the pipeline runs,
 * where a key-value store would grow with every sample ever verified.
 */
final class VerifiedIds {

    static final String STORE = "verified-recently";

    private final WindowStore<String, String> store;

    private VerifiedIds(final WindowStore<String, String> store) {
        this.store = store;
    }

    static StoreBuilder<WindowStore<String, String>> storeBuilder(final Duration horizon) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, horizon, horizon, false),
                Serdes.String(), Serdes.String());
    }

    static VerifiedIds of(final ProcessingContext context) {
        return new VerifiedIds(context.getStateStore(STORE));
    }

    /** Whether a sample with this content hash was verified within the horizon (as far as the store still holds). */
    boolean contains(final String sampleId) {
        try (WindowStoreIterator<String> found = store.fetch(sampleId, 0L, Long.MAX_VALUE)) {
            return found.hasNext();
        }
    }

    void add(final String sampleId, final String dialogId, final long timestamp) {
        store.put(sampleId, dialogId, timestamp);
    }
}

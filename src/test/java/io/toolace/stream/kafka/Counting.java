package io.toolace.stream.kafka;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A test topology with one persistent store: it counts every input under one key, as the planner counts ended
 * dialogs, so what its store and changelog hold after N inputs is N.
 */
final class Counting {

    static final String KEY = "inputs";

    private Counting() {}

    /** Counts {@code input} in a cached {@code store}; the counts go nowhere but the store and its changelog. */
    static Topology cached(final String input, final String store) {
        return counter(input, store, true);
    }

    /** Counts {@code input} in {@code store} and writes each new count to {@code output}. */
    static Topology writingTo(final String input, final String store, final String output) {
        final Topology topology = counter(input, store, false);
        topology.addSink("out", output, Serdes.String().serializer(), Serdes.Long().serializer(), "counter");
        return topology;
    }

    /** The count the last record of a count topic or changelog holds, or -1 while it is empty. */
    static long last(final List<ConsumerRecord<String, byte[]>> counts) {
        return counts.isEmpty() ? -1 : ByteBuffer.wrap(counts.get(counts.size() - 1).value()).getLong();
    }

    private static Topology counter(final String input, final String store, final boolean cached) {
        final Topology topology = new Topology();
        topology.addSource("inputs", Serdes.String().deserializer(), Serdes.String().deserializer(), input);
        topology.addProcessor("counter", () -> new Counter(store), "inputs");
        final var counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                Serdes.Long());
        topology.addStateStore(cached ? counts.withCachingEnabled() : counts, "counter");
        return topology;
    }

    private static final class Counter implements Processor<String, String, String, Long> {
        private final String store;
        private KeyValueStore<String, Long> counts;
        private ProcessorContext<String, Long> context;

        Counter(final String store) {
            this.store = store;
        }

        @Override
        public void init(final ProcessorContext<String, Long> context) {
            this.context = context;
            counts = context.getStateStore(store);
        }

        @Override
        public void process(final Record<String, String> record) {
            final Long seen = counts.get(KEY);
            final long now = seen == null ? 1 : seen + 1;
            counts.put(KEY, now);
            context.forward(record.withKey(KEY).withValue(now));
        }
    }
}

package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.ApiDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The pool's second pass: a candidate keyed by its block ({@link NearDuplicates#block}) is compared with
 * the block's pooled APIs; at or above the threshold it is rejected as {@code API_NEAR_DUPLICATE},
 * otherwise it joins the pool and its fingerprint joins the block. Both outputs are keyed by API id.
 *
 * <p>State: the store {@link PoolStage#BLOCKS_STORE} holds each block's ring of fingerprints under
 * {@code <block> U+001F <slot>}, changelogged, so it is written in the same transaction as the
 * outputs. The processor also keeps the decoded rings of the blocks it has seen in memory, loaded
 * from the store on first use; {@link #init} drops them, and Kafka Streams calls it again whenever it
 * revives a task after an aborted transaction (the store restored from its changelog by then), so
 * the memory never holds a fingerprint the store does not.
 */
final class NearDuplicateProcessor implements Processor<String, ApiDefinition, String, ApiDefinition> {

    static final char SLOT_SEPARATOR = '\u001f';
    private static final StringSerializer KEYS = new StringSerializer();

    private final double threshold;
    private final int capacity;
    private final Map<String, Block> blocks = new HashMap<>();
    private ProcessorContext<String, ApiDefinition> context;
    private KeyValueStore<String, byte[]> store;

    NearDuplicateProcessor(final double threshold, final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("block capacity must be at least 1, got " + capacity);
        }
        this.threshold = threshold;
        this.capacity = capacity;
    }

    /** One block's fingerprints in ring order and how many it has pooled in all. */
    private static final class Block {
        final List<NearDuplicates.Entry> ring = new ArrayList<>();
        long pooled;
    }

    @Override
    public void init(final ProcessorContext<String, ApiDefinition> context) {
        this.context = context;
        this.store = context.getStateStore(PoolStage.BLOCKS_STORE);
        blocks.clear();
    }

    @Override
    public void process(final Record<String, ApiDefinition> record) {
        final ApiDefinition api = record.value();
        final String blockKey = record.key() != null ? record.key() : NearDuplicates.block(api);
        final Block block = blocks.computeIfAbsent(blockKey, this::load);
        final NearDuplicates.Entry candidate = NearDuplicates.Entry.of(api, block.pooled);
        double best = -1;
        NearDuplicates.Entry closest = null;
        for (final NearDuplicates.Entry pooled : block.ring) {
            if (pooled == null || candidate.similarityBound(pooled) < threshold) {
                continue;
            }
            final double similarity = candidate.similarity(pooled);
            if (similarity > best) {
                best = similarity;
                closest = pooled;
            }
        }
        if (closest != null && best >= threshold) {
            Metrics.counter("toolace.pool.rejected", "rule", "API_NEAR_DUPLICATE").increment();
            final String reason = String.format(Locale.ROOT, "API_NEAR_DUPLICATE: similar (%.2f) to pooled API '%s'",
                    best, closest.name());
            context.forward(record.withKey(api.getId())
                    .withValue(ApiDefinition.newBuilder(api).setRejection(reason).build()));
            return;
        }
        final int slot = (int) (block.pooled % capacity);
        while (block.ring.size() <= slot) {
            block.ring.add(null);
        }
        block.ring.set(slot, candidate);
        block.pooled++;
        store.put(slotKey(blockKey, slot), candidate.encode());
        Metrics.counter("toolace.pool.admitted").increment();
        context.forward(record.withKey(api.getId()).withValue(api));
    }

    static String slotKey(final String block, final int slot) {
        return block + SLOT_SEPARATOR + slot;
    }

    /** A block's ring as the store has it; slots beyond the capacity (a smaller one than before) are left out. */
    private Block load(final String blockKey) {
        final Block block = new Block();
        final String prefix = blockKey + SLOT_SEPARATOR;
        try (KeyValueIterator<String, byte[]> slots = store.prefixScan(prefix, KEYS)) {
            while (slots.hasNext()) {
                final KeyValue<String, byte[]> slot = slots.next();
                final int index = Integer.parseInt(slot.key.substring(prefix.length()));
                final NearDuplicates.Entry entry = NearDuplicates.Entry.decode(slot.value);
                block.pooled = Math.max(block.pooled, entry.seq() + 1);
                if (index < capacity) {
                    while (block.ring.size() <= index) {
                        block.ring.add(null);
                    }
                    block.ring.set(index, entry);
                }
            }
        }
        return block;
    }
}

package io.toolace.stream.kafka.registry;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cache of at most {@code capacity} entries whose reads take no lock, for the registry's
 * answers: a serde reads it once per record, from every stream thread. When full it drops some
 * entry to make room, not the least recently used one: the working set of schemas is small and
 * steady, so the bound is there against a stream of ever new ids (poison, a runaway producer),
 * not to be tuned for hit rate.
 */
final class BoundedCache<K, V> {

    private final int capacity;
    private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();

    BoundedCache(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A cache needs room for at least one entry, not " + capacity);
        }
        this.capacity = capacity;
    }

    V get(final K key) {
        return entries.get(key);
    }

    /** As {@link Map#putIfAbsent}: the value already cached, or null when this one went in. */
    V putIfAbsent(final K key, final V value) {
        final V cached = entries.get(key);
        if (cached != null) {
            return cached;
        }
        final Iterator<K> keys = entries.keySet().iterator();
        while (entries.size() >= capacity && keys.hasNext()) {
            keys.next();
            keys.remove();
        }
        return entries.putIfAbsent(key, value);
    }
}

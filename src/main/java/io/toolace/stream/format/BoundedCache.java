package io.toolace.stream.format;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A thread-safe memo that holds at most {@code 2 × generationSize} entries, so a stream of a million
 * distinct keys costs a bounded heap. Two generations stand in for least-recently-used order: new
 * entries go into the young map; when it is full it becomes the old one and the previous old map is
 * dropped; a hit in the old map moves the entry back to the young one. What recurs stays, what does
 * not ages out within two generations, and no lookup takes a lock.
 *
 * <p>Racing threads may both compute the value of a missing key; callers cache pure functions, so
 * either result is right.
 */
public final class BoundedCache<K, V> {

    private final int generationSize;
    private volatile Map<K, V> young = new ConcurrentHashMap<>();
    private volatile Map<K, V> old = Map.of();

    public BoundedCache(final int generationSize) {
        if (generationSize < 1) {
            throw new IllegalArgumentException("generationSize must be positive, got " + generationSize);
        }
        this.generationSize = generationSize;
    }

    /** The cached value of {@code key}, or {@code compute}'s, which is then cached; {@code compute} must not return null. */
    public V get(final K key, final Function<? super K, ? extends V> compute) {
        final V hit = young.get(key);
        if (hit != null) {
            return hit;
        }
        final V aged = old.get(key);
        final V value = aged != null ? aged : compute.apply(key);
        put(key, value);
        return value;
    }

    /** The cached value of {@code key}, or null. */
    public V peek(final K key) {
        final V hit = young.get(key);
        return hit != null ? hit : old.get(key);
    }

    public void put(final K key, final V value) {
        final Map<K, V> current = young;
        current.put(key, value);
        if (current.size() >= generationSize) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
    }

    /** Entries held now, at most {@code 2 × generationSize}. */
    public int size() {
        return young.size() + old.size();
    }
}

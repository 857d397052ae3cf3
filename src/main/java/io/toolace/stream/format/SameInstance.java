package io.toolace.stream.format;

/**
 * An object as a memo key by identity: equal only to itself. The pipeline keeps one {@link ToolSpec} per API and
 * hands it to sample after sample, so a memo keyed by the instance skips hashing the schema trees or texts that a
 * key by content would read on every lookup.
 */
public record SameInstance<T>(T value) {

    @Override
    public boolean equals(final Object o) {
        return o instanceof SameInstance<?> other && other.value == value;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(value);
    }
}

package io.toolace.stream.ops;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The global registry's lasting backing. Its meters count nothing until it holds a registry, and read
 * their values from the first one added; that first one must outlive any that comes and goes (the
 * {@code /metrics} registry of an {@link OpsServer}), or the counts read after it left would be lost.
 */
public final class GlobalMeters {

    private GlobalMeters() {}

    public static synchronized void ensureBacked() {
        if (Metrics.globalRegistry.getRegistries().isEmpty()) {
            Metrics.addRegistry(new SimpleMeterRegistry());
        }
    }
}

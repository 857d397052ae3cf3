package io.toolace.stream;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** For tests that read the global registry without starting a {@link Pipeline}, which would back it. */
public final class CountingMeters {

    private CountingMeters() {}

    /** Meters of the global registry count nothing until it has a backing registry: give it one if it has none. */
    public static void ensure() {
        if (Metrics.globalRegistry.getRegistries().isEmpty()) {
            Metrics.addRegistry(new SimpleMeterRegistry());
        }
    }
}

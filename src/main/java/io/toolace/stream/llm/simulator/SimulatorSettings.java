package io.toolace.stream.llm.simulator;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the LLM simulator behaves.
 *
 * @param host the address to listen on; loopback unless the simulator must be reached from elsewhere
 * @param port the port; 0 picks a free one
 * @param model the model name {@code /v1/models} lists; requests may name any model
 * @param latency the time from request to answer
 * @param maxRequestsPerSecond requests admitted per second; beyond it 429 with {@code Retry-After}; 0 for no cap
 * @param faults the share of requests that get each fault, drawn per request; they sum to at most 1
 * @param retryAfterSeconds the {@code Retry-After} of an injected 429
 * @param timeoutHold how long a request with the timeout fault is held before its connection is closed
 * @param seed faults, latencies and answers are drawn from it, so a run can be repeated
 */
public record SimulatorSettings(String host, int port, String model, Latency latency, int maxRequestsPerSecond,
        Map<Fault, Double> faults, int retryAfterSeconds, Duration timeoutHold, long seed) {

    public static final String DEFAULT_MODEL = "toolace-sim";

    public SimulatorSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxRequestsPerSecond < 0) {
            throw new IllegalArgumentException("max requests per second must be 0 (no cap) or positive, got "
                    + maxRequestsPerSecond);
        }
        final EnumMap<Fault, Double> rates = new EnumMap<>(Fault.class);
        double sum = 0;
        for (final Map.Entry<Fault, Double> e : faults.entrySet()) {
            if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
                throw new IllegalArgumentException("rate of " + e.getKey() + " must be in [0, 1], got " + e.getValue());
            }
            rates.put(e.getKey(), e.getValue());
            sum += e.getValue();
        }
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("fault rates sum to " + sum + ", more than 1");
        }
        faults = Collections.unmodifiableMap(rates);
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("Retry-After must be at least 1 second, got " + retryAfterSeconds);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rate of one fault, 0 when unset. */
    public double rate(final Fault fault) {
        return faults.getOrDefault(fault, 0.0);
    }

    /** Defaults: loopback, a free port, 250 ms fixed latency, no cap, no faults, Retry-After 1 s, hold 5 min, seed 42. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String model = DEFAULT_MODEL;
        private Latency latency = Latency.fixed(250);
        private int maxRequestsPerSecond;
        private final Map<Fault, Double> faults = new EnumMap<>(Fault.class);
        private int retryAfterSeconds = 1;
        private Duration timeoutHold = Duration.ofMinutes(5);
        private long seed = 42;

        public Builder host(final String v) { host = v; return this; }
        public Builder port(final int v) { port = v; return this; }
        public Builder model(final String v) { model = v; return this; }
        public Builder latency(final Latency v) { latency = v; return this; }
        public Builder maxRequestsPerSecond(final int v) { maxRequestsPerSecond = v; return this; }
        public Builder fault(final Fault fault, final double rate) { faults.put(fault, rate); return this; }
        public Builder retryAfterSeconds(final int v) { retryAfterSeconds = v; return this; }
        public Builder timeoutHold(final Duration v) { timeoutHold = v; return this; }
        public Builder seed(final long v) { seed = v; return this; }

        public SimulatorSettings build() {
            return new SimulatorSettings(host, port, model, latency, maxRequestsPerSecond, faults, retryAfterSeconds,
                    timeoutHold, seed);
        }
    }
}

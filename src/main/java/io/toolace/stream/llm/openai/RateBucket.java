package io.toolace.stream.llm.openai;

/**
 * A token bucket for a per-minute budget that refills continuously and holds one second's worth,
 * so calls are spread over the minute rather than spent in a burst at its start (OpenAI, too,
 * enforces a per-minute limit over shorter periods). A take larger than the bucket is allowed once
 * the bucket is full and leaves it in debt, so a long prompt under a small budget waits its turn
 * instead of never fitting. Not thread-safe: the guard holds its lock around every use.
 */
final class RateBucket {

    private static final double NANOS_PER_MINUTE = 60e9;

    private final double perNano;
    private final double capacity;
    private double level;
    private long refilledAt;

    RateBucket(final long perMinute, final long now) {
        this.perNano = perMinute / NANOS_PER_MINUTE;
        this.capacity = Math.max(1, perMinute / 60.0);
        this.level = capacity;
        this.refilledAt = now;
    }

    /** Nanoseconds until {@code amount} may be taken; 0 when it may now. */
    long waitFor(final double amount, final long now) {
        refill(now);
        final double needed = Math.min(amount, capacity);
        return level >= needed ? 0 : (long) Math.ceil((needed - level) / perNano);
    }

    /** Takes {@code amount}; call only after {@link #waitFor} said 0. */
    void take(final double amount) {
        level -= amount;
    }

    /** Gives back what a call was charged beyond what it used (or charges what it used beyond). */
    void refund(final double amount) {
        level = Math.min(capacity, level + amount);
    }

    private void refill(final long now) {
        level = Math.min(capacity, level + (now - refilledAt) * perNano);
        refilledAt = now;
    }
}

package io.toolace.stream.llm.openai;

import java.time.Duration;

/**
 * How an {@link EndpointGuard} treats one endpoint: its rate limits, its concurrency, its retries and
 * its circuit breaker.
 *
 * @param requestsPerMinute requests allowed per minute; 0 for no limit
 * @param tokensPerMinute prompt plus completion tokens allowed per minute; 0 for no limit
 * @param maxConcurrency the most calls in flight, and where the adaptive limit starts and recovers to
 * @param successesPerIncrease successful calls that raise a lowered concurrency limit by one
 * @param maxAttempts attempts of one call, the first included; 1 never retries
 * @param backoffBase the first retry waits up to this long; each further one up to twice as long
 * @param backoffMax the longest wait between two attempts, also the longest {@code Retry-After} obeyed
 * @param deadline how long one call may take over all its attempts and waits
 * @param failuresToOpen consecutive failed attempts (5xx, timeout, no connection) that open the
 *     circuit; 0 never opens it
 * @param coolDown how long an open circuit fails calls fast before one probe may try again
 */
public record EndpointLimits(int requestsPerMinute, long tokensPerMinute, int maxConcurrency,
        int successesPerIncrease, int maxAttempts, Duration backoffBase, Duration backoffMax, Duration deadline,
        int failuresToOpen, Duration coolDown) {

    /** What a configured endpoint gets for every setting it leaves out. */
    public static final EndpointLimits DEFAULTS = new EndpointLimits(0, 0, 64, 10, 5, Duration.ofMillis(500),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 10, Duration.ofSeconds(30));

    /**
     * One attempt, no rate limit, no circuit breaker: a client that behaves as a plain HTTP call,
     * for an endpoint built in code with {@link OpenAiEndpoint#of}.
     */
    public static final EndpointLimits NONE = new EndpointLimits(0, 0, Integer.MAX_VALUE, 1, 1,
            Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofDays(1), 0, Duration.ofSeconds(30));

    public EndpointLimits {
        requireAtLeast("requests per minute", requestsPerMinute, 0);
        requireAtLeast("tokens per minute", tokensPerMinute, 0);
        requireAtLeast("max concurrency", maxConcurrency, 1);
        requireAtLeast("successes per increase", successesPerIncrease, 1);
        requireAtLeast("max attempts", maxAttempts, 1);
        requireAtLeast("failures to open", failuresToOpen, 0);
        requirePositive("backoff base", backoffBase);
        requirePositive("backoff max", backoffMax);
        requirePositive("deadline", deadline);
        requirePositive("cool-down", coolDown);
    }

    public EndpointLimits withRequestsPerMinute(final int value) {
        return new EndpointLimits(value, tokensPerMinute, maxConcurrency, successesPerIncrease, maxAttempts,
                backoffBase, backoffMax, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withTokensPerMinute(final long value) {
        return new EndpointLimits(requestsPerMinute, value, maxConcurrency, successesPerIncrease, maxAttempts,
                backoffBase, backoffMax, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withMaxConcurrency(final int value) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, value, successesPerIncrease, maxAttempts,
                backoffBase, backoffMax, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withSuccessesPerIncrease(final int value) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, maxConcurrency, value, maxAttempts,
                backoffBase, backoffMax, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withMaxAttempts(final int value) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, maxConcurrency, successesPerIncrease, value,
                backoffBase, backoffMax, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withBackoff(final Duration base, final Duration max) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, maxConcurrency, successesPerIncrease,
                maxAttempts, base, max, deadline, failuresToOpen, coolDown);
    }

    public EndpointLimits withDeadline(final Duration value) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, maxConcurrency, successesPerIncrease,
                maxAttempts, backoffBase, backoffMax, value, failuresToOpen, coolDown);
    }

    public EndpointLimits withCircuit(final int failures, final Duration coolDownFor) {
        return new EndpointLimits(requestsPerMinute, tokensPerMinute, maxConcurrency, successesPerIncrease,
                maxAttempts, backoffBase, backoffMax, deadline, failures, coolDownFor);
    }

    private static void requireAtLeast(final String what, final long value, final long min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
    }

    private static void requirePositive(final String what, final Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, got " + value);
        }
    }
}

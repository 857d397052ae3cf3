package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything between a call to one endpoint and its HTTP attempts: requests- and tokens-per-minute
 * budgets, an adaptive concurrency limit (halved on 429, one higher per
 * {@link EndpointLimits#successesPerIncrease} successes up to the maximum), retries with exponential
 * backoff and full jitter on 429, 5xx, timeouts and broken connections (a {@code Retry-After} pauses
 * every call to the endpoint), a per-attempt timeout within a deadline for the whole call, and a
 * circuit breaker that fails calls fast while the endpoint is dead.
 *
 * <p>Nothing here blocks a thread: a call that must wait is scheduled on a shared timer. There is one
 * guard per endpoint in the process ({@link #of}), so every client of an endpoint (chat and
 * completions) shares its budgets and its circuit.
 *
 * <p>Metrics, tagged {@code endpoint}: {@code toolace.llm.endpoint.state} (0 closed, 1 open, 2
 * half-open), {@code toolace.llm.concurrency.limit}, {@code toolace.llm.retries{reason}} (reason
 * {@code http_429}, {@code http_5xx}, {@code timeout}, {@code connection}) and
 * {@code toolace.llm.throttled} (calls that waited for the endpoint's request or token budget).
 */
public final class EndpointGuard {

    /** The circuit breaker's state; the state gauge shows its ordinal. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** One HTTP attempt, sent with this timeout. */
    @FunctionalInterface
    interface Attempt {
        CompletableFuture<HttpResponse<String>> send(Duration timeout);
    }

    /**
     * The response a call ended with (2xx, a status not worth retrying, or the last of a retried
     * status) and the attempts it took.
     */
    record Outcome(HttpResponse<String> response, int attempts) {}

    private static final Logger LOG = LoggerFactory.getLogger(EndpointGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<OpenAiEndpoint, EndpointGuard> GUARDS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        final Thread thread = new Thread(task, "toolace-llm-guard");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final EndpointLimits limits;
    private final Duration requestTimeout;
    private final RateBucket requests;
    private final RateBucket tokens;
    private final Deque<Runnable> waiting = new ArrayDeque<>();

    private volatile State state = State.CLOSED;
    private volatile int limit;
    private int inFlight;
    private int successes;
    /** Counts decreases, so the 429s of calls sent before the last decrease do not halve the limit again. */
    private int epoch;
    private long pausedUntil;
    private int consecutiveFailures;
    private int openedAfter;
    private long openUntil;
    private Instant retryAt = Instant.EPOCH;
    private long probeExpires;

    private EndpointGuard(final OpenAiEndpoint endpoint) {
        this.name = endpoint.name();
        this.limits = endpoint.limits();
        this.requestTimeout = endpoint.requestTimeout();
        final long now = System.nanoTime();
        this.requests = limits.requestsPerMinute() == 0 ? null : new RateBucket(limits.requestsPerMinute(), now);
        this.tokens = limits.tokensPerMinute() == 0 ? null : new RateBucket(limits.tokensPerMinute(), now);
        this.limit = limits.maxConcurrency();
        Gauge.builder("toolace.llm.endpoint.state", this, guard -> guard.state.ordinal())
                .tag("endpoint", name).description("circuit breaker: 0 closed, 1 open, 2 half-open")
                .strongReference(true).register(Metrics.globalRegistry);
        Gauge.builder("toolace.llm.concurrency.limit", this, guard -> guard.limit)
                .tag("endpoint", name).description("calls the endpoint may have in flight now")
                .strongReference(true).register(Metrics.globalRegistry);
    }

    /** The guard of this endpoint, created on first use and shared by every client of it. */
    public static EndpointGuard of(final OpenAiEndpoint endpoint) {
        return GUARDS.computeIfAbsent(endpoint, EndpointGuard::new);
    }

    public State state() {
        return state;
    }

    /** Whether a call now would be sent: false while the circuit is open or a probe is testing it. */
    public synchronized boolean available() {
        final long now = System.nanoTime();
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> now >= openUntil;
            case HALF_OPEN -> now >= probeExpires;
        };
    }

    public int concurrencyLimit() {
        return limit;
    }

    /**
     * Sends attempts until one is worth keeping. The future fails with a
     * {@link CircuitOpenException} when the circuit refuses an attempt, with a
     * {@link RetriesExhaustedException} when the last of several attempts failed in transport, and
     * with the transport's own exception when a single allowed attempt did.
     *
     * @param estimatedTokens what the call is charged against the tokens-per-minute budget until its
     *     answer's usage says what it cost
     */
    CompletableFuture<Outcome> call(final int estimatedTokens, final Attempt attempt) {
        final Call call = new Call(attempt, estimatedTokens, System.nanoTime() + limits.deadline().toNanos());
        call.start();
        return call.result;
    }

    private final class Call {

        private final Attempt attempt;
        private final int estimate;
        private final long deadline;
        private final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private int attempts;
        private boolean throttled;

        Call(final Attempt attempt, final int estimate, final long deadline) {
            this.attempt = attempt;
            this.estimate = estimate;
            this.deadline = deadline;
        }

        /** Where every attempt begins: after a Retry-After pause, past the circuit, into a slot. */
        void start() {
            final long pause;
            synchronized (EndpointGuard.this) {
                pause = pausedUntil - System.nanoTime();
            }
            if (pause > 0) {
                TIMER.schedule(this::start, pause, TimeUnit.NANOSECONDS);
                return;
            }
            try {
                admit(attempts);
            } catch (final CircuitOpenException e) {
                result.completeExceptionally(e);
                return;
            }
            acquireSlot(this::budget);
        }

        /** Waits, holding its slot, until both budgets can pay for the attempt. */
        void budget() {
            final long now = System.nanoTime();
            final long wait;
            synchronized (EndpointGuard.this) {
                wait = Math.max(requests == null ? 0 : requests.waitFor(1, now),
                        tokens == null ? 0 : tokens.waitFor(estimate, now));
                if (wait == 0) {
                    charge(requests, 1);
                    charge(tokens, estimate);
                }
            }
            if (wait == 0) {
                send();
                return;
            }
            if (now + wait > deadline) {
                release();
                result.completeExceptionally(new RetriesExhaustedException("endpoint " + name + " has no request"
                        + " or token budget left within the deadline of " + limits.deadline() + " after " + attempts
                        + " attempts", attempts, null));
                return;
            }
            if (!throttled) {
                throttled = true;
                Metrics.counter("toolace.llm.throttled", "endpoint", name).increment();
            }
            TIMER.schedule(this::budget, wait, TimeUnit.NANOSECONDS);
        }

        void send() {
            attempts++;
            final int sentInEpoch;
            synchronized (EndpointGuard.this) {
                sentInEpoch = epoch;
            }
            final long remaining = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
            final Duration timeout = requestTimeout.toNanos() < remaining ? requestTimeout : Duration.ofNanos(remaining);
            CompletableFuture<HttpResponse<String>> sent;
            try {
                sent = attempt.send(timeout);
            } catch (final RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((response, failure) -> {
                release();
                if (failure == null) {
                    answered(response, sentInEpoch);
                } else {
                    failed(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                }
            });
        }

        private void answered(final HttpResponse<String> response, final int sentInEpoch) {
            final int status = response.statusCode();
            if (status == 429) {
                final Optional<Duration> retryAfter = retryAfter(response);
                throttledByServer(sentInEpoch, retryAfter);
                retryOrEnd("http_429", response, null, retryAfter.map(Duration::toNanos).orElse(-1L));
            } else if (status >= 500) {
                refund(estimate);
                failure();
                retryOrEnd("http_5xx", response, null, -1);
            } else {
                if (status >= 200 && status <= 299) {
                    refund(estimate - usedTokens(response));
                    success();
                } else {
                    refund(estimate);
                    alive();
                }
                result.complete(new Outcome(response, attempts));
            }
        }

        private void failed(final Throwable cause) {
            failure();
            if (cause instanceof HttpTimeoutException) {
                retryOrEnd("timeout", null, cause, -1);
            } else if (cause instanceof IOException) {
                retryOrEnd("connection", null, cause, -1);
            } else {
                result.completeExceptionally(cause);
            }
        }

        private void retryOrEnd(final String reason, final HttpResponse<String> response, final Throwable cause,
                final long retryAfterNanos) {
            if (attempts >= limits.maxAttempts()) {
                end(response, cause);
                return;
            }
            final long delay = retryAfterNanos >= 0 ? retryAfterNanos + jitter(limits.backoffBase().toNanos())
                    : jitter((long) Math.min(limits.backoffMax().toNanos(),
                            limits.backoffBase().toNanos() * Math.pow(2, attempts - 1)));
            if (System.nanoTime() + delay > deadline) {
                end(response, cause);
                return;
            }
            Metrics.counter("toolace.llm.retries", "endpoint", name, "reason", reason).increment();
            LOG.debug("endpoint {}: attempt {} failed ({}), retrying in {} ms", name, attempts, reason,
                    TimeUnit.NANOSECONDS.toMillis(delay));
            TIMER.schedule(this::start, delay, TimeUnit.NANOSECONDS);
        }

        /** A status keeps the last response, so the caller reports it with its body; a transport failure is wrapped. */
        private void end(final HttpResponse<String> response, final Throwable cause) {
            if (response != null) {
                result.complete(new Outcome(response, attempts));
            } else if (attempts == 1) {
                result.completeExceptionally(cause);
            } else {
                result.completeExceptionally(new RetriesExhaustedException("endpoint " + name + " gave up after "
                        + attempts + " attempts, the last failed with " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), attempts, cause));
            }
        }
    }

    private static void charge(final RateBucket bucket, final double amount) {
        if (bucket != null) {
            bucket.take(amount);
        }
    }

    private synchronized void refund(final double amount) {
        if (tokens != null) {
            tokens.refund(amount);
        }
    }

    /** Tokens the answer's usage reports; the estimate when it reports none or no budget needs it. */
    private int usedTokens(final HttpResponse<String> response) {
        if (tokens == null || response.body() == null) {
            return 0;
        }
        try {
            final JsonNode usage = JSON.readTree(response.body()).path("usage");
            final int total = usage.path("total_tokens").asInt(0);
            return total > 0 ? total : usage.path("prompt_tokens").asInt(0) + usage.path("completion_tokens").asInt(0);
        } catch (final JsonProcessingException e) {
            return 0;
        }
    }

    /** A random wait in [0, cap]: full jitter, so calls that failed together do not retry together. */
    private static long jitter(final long cap) {
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    /**
     * How long the server asks to wait, from {@code retry-after-ms} (OpenAI) or {@code Retry-After}
     * (seconds or an HTTP date), at most the longest backoff.
     */
    private Optional<Duration> retryAfter(final HttpResponse<String> response) {
        Duration wait = null;
        final Optional<String> millis = response.headers().firstValue("retry-after-ms");
        final Optional<String> header = response.headers().firstValue("Retry-After");
        try {
            if (millis.isPresent()) {
                wait = Duration.ofMillis((long) Double.parseDouble(millis.get().strip()));
            } else if (header.isPresent() && header.get().strip().matches("\\d+")) {
                wait = Duration.ofSeconds(Long.parseLong(header.get().strip()));
            } else if (header.isPresent()) {
                wait = Duration.between(Instant.now(),
                        ZonedDateTime.parse(header.get().strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            }
        } catch (final NumberFormatException | DateTimeParseException e) {
            LOG.debug("endpoint {}: unreadable Retry-After {}", name, header.orElse(millis.orElse("")));
        }
        if (wait == null) {
            return Optional.empty();
        }
        return Optional.of(wait.isNegative() ? Duration.ZERO
                : wait.compareTo(limits.backoffMax()) > 0 ? limits.backoffMax() : wait);
    }

    private void acquireSlot(final Runnable next) {
        synchronized (this) {
            if (inFlight >= limit) {
                waiting.add(next);
                return;
            }
            inFlight++;
        }
        next.run();
    }

    private synchronized void release() {
        inFlight--;
        resumeWaiting();
    }

    /** Hands free slots to waiting calls, on the timer so a completing call does not run them on its thread. */
    private void resumeWaiting() {
        while (inFlight < limit && !waiting.isEmpty()) {
            inFlight++;
            TIMER.execute(waiting.poll());
        }
    }

    private synchronized void throttledByServer(final int sentInEpoch, final Optional<Duration> retryAfter) {
        if (sentInEpoch == epoch) {
            epoch++;
            limit = Math.max(1, limit / 2);
            successes = 0;
            LOG.debug("endpoint {}: 429, concurrency limit now {}", name, limit);
        }
        retryAfter.ifPresent(wait -> pausedUntil = Math.max(pausedUntil, System.nanoTime() + wait.toNanos()));
        alive();
    }

    private synchronized void success() {
        if (limit < limits.maxConcurrency() && ++successes >= limits.successesPerIncrease()) {
            limit++;
            successes = 0;
        }
        alive();
    }

    /** The server answered: whatever it said, it is not dead. */
    private synchronized void alive() {
        consecutiveFailures = 0;
        if (state != State.CLOSED) {
            state = State.CLOSED;
            LOG.info("endpoint {} circuit closed: it answered again", name);
        }
        resumeWaiting();
    }

    private synchronized void failure() {
        consecutiveFailures++;
        if (limits.failuresToOpen() == 0) {
            return;
        }
        if (state == State.HALF_OPEN || state == State.CLOSED && consecutiveFailures >= limits.failuresToOpen()) {
            final boolean probe = state == State.HALF_OPEN;
            state = State.OPEN;
            openedAfter = consecutiveFailures;
            openUntil = System.nanoTime() + limits.coolDown().toNanos();
            retryAt = Instant.now().plus(limits.coolDown());
            LOG.warn("endpoint {} circuit open after {} consecutive failures{}; calls fail fast until {}", name,
                    openedAfter, probe ? " (the probe failed too)" : "", retryAt);
        }
    }

    /** Lets an attempt through the circuit; the first after a cool-down is the probe. */
    private synchronized void admit(final int attemptsSoFar) throws CircuitOpenException {
        final long now = System.nanoTime();
        if (state == State.CLOSED
                || state == State.OPEN && now >= openUntil
                || state == State.HALF_OPEN && now >= probeExpires) {
            if (state != State.CLOSED) {
                state = State.HALF_OPEN;
                // A probe that never reports (its call gave up before sending) must not keep the circuit shut.
                probeExpires = now + requestTimeout.toNanos() + limits.coolDown().toNanos();
            }
            return;
        }
        throw new CircuitOpenException("endpoint " + name + " circuit " + (state == State.OPEN ? "open" : "half-open")
                + " after " + openedAfter + " consecutive failures; retrying at " + retryAt
                + (state == State.HALF_OPEN ? " (a probe call is testing it now)" : ""), attemptsSoFar);
    }
}

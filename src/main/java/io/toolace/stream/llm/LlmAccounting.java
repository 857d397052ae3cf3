package io.toolace.stream.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what each reply cost, per stage, task and model: calls (cached or not, ok or error), the
 * tokens paid for, latency and USD. Tokens and cost of a cache hit are 0, as nothing was paid; its
 * reply still carries the tokens of the original call.
 *
 * <p>Metrics: {@code toolace.llm.calls{stage,task,model,cached,outcome}},
 * {@code toolace.llm.tokens{stage,task,model,kind=prompt|completion}},
 * {@code toolace.llm.latency{stage,task,model}} (timer), {@code toolace.llm.cost{stage,task,model}} (USD).
 */
final class LlmAccounting {

    private static final Logger LOG = LoggerFactory.getLogger(LlmAccounting.class);

    private final PriceTable prices;
    private final Set<String> unpriced = ConcurrentHashMap.newKeySet();
    /** Looked up once per stage, task and model: a registry lookup by tags costs more than the increments. */
    private final Map<MeterKey, Meters> metersByKey = new ConcurrentHashMap<>();

    private record MeterKey(String stage, String task, String model) {}

    private record Meters(Counter okCalls, Counter errorCalls, Counter cachedOkCalls, Counter cachedErrorCalls,
            Counter promptTokens, Counter completionTokens, Timer latency, Counter cost) {

        static Meters of(final MeterKey key) {
            final Tags tags = Tags.of("stage", key.stage(), "task", key.task(), "model", key.model());
            return new Meters(calls(tags, false, "ok"), calls(tags, false, "error"), calls(tags, true, "ok"),
                    calls(tags, true, "error"),
                    Metrics.counter("toolace.llm.tokens", tags.and("kind", "prompt")),
                    Metrics.counter("toolace.llm.tokens", tags.and("kind", "completion")),
                    Metrics.timer("toolace.llm.latency", tags), Metrics.counter("toolace.llm.cost", tags));
        }

        private static Counter calls(final Tags tags, final boolean cached, final String outcome) {
            return Metrics.counter("toolace.llm.calls", tags.and("cached", Boolean.toString(cached), "outcome", outcome));
        }

        Counter calls(final boolean cached, final boolean ok) {
            return cached ? (ok ? cachedOkCalls : cachedErrorCalls) : (ok ? okCalls : errorCalls);
        }
    }

    LlmAccounting(final PriceTable prices) {
        this.prices = prices;
    }

    /** Records the reply in the metrics and returns its record for {@code llm.usage}. */
    LlmCall account(final LlmReply reply, final long nowMs) {
        final LlmRequest request = reply.getRequest();
        final LlmUsage usage = reply.getUsage();
        final Paid paid = count(reply);
        return LlmCall.newBuilder()
                .setRequestId(request.getId())
                .setCorrelationId(request.getCorrelationId())
                .setStage(request.getStage())
                .setTask(request.getTask())
                .setBackend(usage.getBackend())
                .setModel(usage.getModel())
                .setPromptTokens(paid.promptTokens())
                .setCompletionTokens(paid.completionTokens())
                .setLatencyMs(usage.getLatencyMs())
                .setCostUsd(paid.costUsd())
                .setCached(usage.getCached())
                .setAttempts(usage.getAttempts())
                .setError(reply.getError())
                .setTimestampMs(nowMs)
                .build();
    }

    /** What a reply was paid for: nothing when it came from the cache. */
    record Paid(int promptTokens, int completionTokens, double costUsd) {}

    /** Records the reply in the metrics only, and returns what was paid for it. */
    Paid count(final LlmReply reply) {
        final LlmRequest request = reply.getRequest();
        final LlmUsage usage = reply.getUsage();
        final boolean cached = usage.getCached();
        final int promptTokens = cached ? 0 : usage.getPromptTokens();
        final int completionTokens = cached ? 0 : usage.getCompletionTokens();
        final double cost = prices.costUsd(usage.getModel(), promptTokens, completionTokens);
        if (promptTokens + completionTokens > 0 && !prices.priced(usage.getModel()) && unpriced.add(usage.getModel())) {
            LOG.info("no price for model {}: its tokens are counted at 0 USD (set one with --price)", usage.getModel());
        }
        final Meters meters = metersByKey.computeIfAbsent(
                new MeterKey(request.getStage(), request.getTask().name(), usage.getModel()), Meters::of);
        meters.calls(cached, reply.getError() == null).increment();
        meters.promptTokens.increment(promptTokens);
        meters.completionTokens.increment(completionTokens);
        meters.latency.record(usage.getLatencyMs(), TimeUnit.MILLISECONDS);
        meters.cost.increment(cost);
        return new Paid(promptTokens, completionTokens, cost);
    }
}

package io.toolace.stream.llm;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    LlmAccounting(final PriceTable prices) {
        this.prices = prices;
    }

    /** Records the reply in the metrics and returns its record for {@code llm.usage}. */
    LlmCall account(final LlmReply reply, final long nowMs) {
        final LlmRequest request = reply.getRequest();
        final LlmUsage usage = reply.getUsage();
        final boolean cached = usage.getCached();
        final int promptTokens = cached ? 0 : usage.getPromptTokens();
        final int completionTokens = cached ? 0 : usage.getCompletionTokens();
        final double cost = prices.costUsd(usage.getModel(), promptTokens, completionTokens);
        if (promptTokens + completionTokens > 0 && !prices.priced(usage.getModel()) && unpriced.add(usage.getModel())) {
            LOG.info("no price for model {}: its tokens are counted at 0 USD (set one with --price)", usage.getModel());
        }
        final String stage = request.getStage();
        final String task = request.getTask().name();
        final String model = usage.getModel();
        Metrics.counter("toolace.llm.calls", "stage", stage, "task", task, "model", model,
                "cached", Boolean.toString(cached), "outcome", reply.getError() == null ? "ok" : "error").increment();
        Metrics.counter("toolace.llm.tokens", "stage", stage, "task", task, "model", model, "kind", "prompt")
                .increment(promptTokens);
        Metrics.counter("toolace.llm.tokens", "stage", stage, "task", task, "model", model, "kind", "completion")
                .increment(completionTokens);
        Metrics.timer("toolace.llm.latency", "stage", stage, "task", task, "model", model)
                .record(Duration.ofMillis(usage.getLatencyMs()));
        Metrics.counter("toolace.llm.cost", "stage", stage, "task", task, "model", model).increment(cost);
        return LlmCall.newBuilder()
                .setRequestId(request.getId())
                .setCorrelationId(request.getCorrelationId())
                .setStage(stage)
                .setTask(request.getTask())
                .setBackend(usage.getBackend())
                .setModel(model)
                .setPromptTokens(promptTokens)
                .setCompletionTokens(completionTokens)
                .setLatencyMs(usage.getLatencyMs())
                .setCostUsd(cost)
                .setCached(cached)
                .setAttempts(usage.getAttempts())
                .setError(reply.getError())
                .setTimestampMs(nowMs)
                .build();
    }
}

package io.toolace.stream.llm.routing;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Several named endpoints behind one backend: each task goes to its route (a strong model for
 * generation, a cheap one for the judges, ...), or to the default route when it has none, and each
 * route spreads its calls over its replicas by weight, skipping a replica whose circuit is open, and
 * fails a call over to another replica when the first gave no answer.
 * Every reply names the backend and model that really answered it.
 */
public final class RoutingBackend implements LlmBackend {

    private final WeightedPicker<LlmBackend> fallback;
    private final Map<AgentTask, WeightedPicker<LlmBackend>> routes;
    private final Set<LlmBackend> backends;

    RoutingBackend(final WeightedPicker<LlmBackend> fallback, final Map<AgentTask, WeightedPicker<LlmBackend>> routes) {
        this.fallback = fallback;
        this.routes = Collections.unmodifiableMap(routes.isEmpty() ? new EnumMap<>(AgentTask.class) : new EnumMap<>(routes));
        final Set<LlmBackend> all = new LinkedHashSet<>();
        fallback.replicas().forEach(replica -> all.add(replica.target()));
        routes.values().forEach(route -> route.replicas().forEach(replica -> all.add(replica.target())));
        this.backends = Collections.unmodifiableSet(all);
    }

    /** The kinds of the backends behind the routes, e.g. {@code openai}. */
    @Override
    public String name() {
        return backends.stream().map(LlmBackend::name).distinct().collect(Collectors.joining(","));
    }

    /** The models behind the routes, comma-separated; each reply names the one that answered it. */
    @Override
    public String model() {
        return backends.stream().map(LlmBackend::model).distinct().collect(Collectors.joining(","));
    }

    @Override
    public String parameters() {
        return backends.stream().map(b -> b.model() + "{" + b.parameters() + "}").distinct()
                .collect(Collectors.joining(","));
    }

    /** Cached when any route's backend is worth caching: a key spans every route, and a free route's entries cost little. */
    @Override
    public boolean cachesAnswers() {
        return backends.stream().anyMatch(LlmBackend::cachesAnswers);
    }

    /**
     * Asks one replica of the task's route; when that replica gave no answer at all (its retries ran out,
     * its circuit opened, nothing was paid for), asks another replica once, so one dead replica of several
     * costs latency rather than a rejected draft. An answer the model did give, even an unusable one, is
     * not asked again elsewhere: that would pay twice.
     */
    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        final WeightedPicker<LlmBackend> route = routes.getOrDefault(request.getTask(), fallback);
        final WeightedPicker.Replica<LlmBackend> first = route.pick(null);
        return first.target().answer(request).thenCompose(reply -> {
            final WeightedPicker.Replica<LlmBackend> other = unanswered(reply) ? route.pickOther(first) : null;
            if (other == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Metrics.counter("toolace.llm.failover", "from", first.name(), "to", other.name()).increment();
            return other.target().answer(request).thenApply(second -> {
                second.getUsage().setAttempts(second.getUsage().getAttempts() + reply.getUsage().getAttempts());
                second.getUsage().setLatencyMs(second.getUsage().getLatencyMs() + reply.getUsage().getLatencyMs());
                return second;
            });
        });
    }

    private static boolean unanswered(final LlmReply reply) {
        return reply.getResult() == null && reply.getError() != null && reply.getUsage().getPromptTokens() == 0
                && reply.getUsage().getCompletionTokens() == 0;
    }

    @Override
    public void close() {
        backends.forEach(LlmBackend::close);
    }
}

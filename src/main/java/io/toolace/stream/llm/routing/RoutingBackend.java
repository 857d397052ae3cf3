package io.toolace.stream.llm.routing;

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
 * route spreads its calls over its replicas by weight, skipping a replica whose circuit is open.
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

    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        return routes.getOrDefault(request.getTask(), fallback).pick().answer(request);
    }

    @Override
    public void close() {
        backends.forEach(LlmBackend::close);
    }
}

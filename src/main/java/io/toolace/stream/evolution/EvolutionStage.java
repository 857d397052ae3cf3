package io.toolace.stream.evolution;

import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * TSS adaptation and evolution. Each new functionality of the context tree is adapted into an API from
 * a sampled subtree (it and some siblings); each API that joins the pool goes into the example buffer
 * and, below the configured depth, is evolved once more: a new API from a sampled subtree plus that
 * example under diversity indicators. The pool feeding evolution is the paper's self-evolution loop.
 *
 * <p>Topics: in {@code api.context} (key node id, partitioned by sub-domain) and {@code api.pool} (key
 * API id), co-partitioned, and {@code llm.replies.evolution} (key request correlation id); out
 * {@code llm.requests} and {@code api.candidates} (key the API's normalised-signature hash).
 */
public final class EvolutionStage implements Stage {

    static final String TREE_STORE = "context-tree";
    static final String BUFFER_STORE = "example-buffer";
    static final String DONE_STORE = "evolution-done";
    static final String COVERAGE_STORE = "context-coverage";
    static final String REQUESTS_SINK = "to-llm-requests";
    static final String CANDIDATES_SINK = "to-api-candidates";

    private final Topics topics;
    private final PipelineConfig config;

    public EvolutionStage(final Topics topics, final PipelineConfig config) {
        this.topics = topics;
        this.config = config;
    }

    @Override
    public String name() {
        return "evolution";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.context.addSource(topology, "api-context");
        topics.pool.addSource(topology, "api-pool");
        topics.evolutionReplies.addSource(topology, "evolution-replies");
        topology.addProcessor("evolution", () -> new Evolver(topics, config), "api-context", "api-pool");
        topology.addProcessor("evolution-reply", CandidateProcessor::new, "evolution-replies");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TREE_STORE),
                Serdes.String(), topics.context.valueSerde()), "evolution");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUFFER_STORE),
                Serdes.Integer(), topics.pool.valueSerde()), "evolution");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COVERAGE_STORE),
                Serdes.String(), Serdes.Integer()), "evolution");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DONE_STORE),
                Serdes.String(), Serdes.Integer()), "evolution-reply");
        topics.llmRequests.addSink(topology, REQUESTS_SINK, "evolution");
        topics.candidates.addSink(topology, CANDIDATES_SINK, "evolution-reply");
        return topology;
    }
}

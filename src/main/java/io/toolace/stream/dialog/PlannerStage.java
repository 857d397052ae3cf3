package io.toolace.stream.dialog;

import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * SDG's planner. Each planner task indexes its partition of the API pool and plans dialogs from it:
 * a dialog type chosen so the verified samples keep the configured mix, 1..n APIs (related ones for
 * dependent dialogs, distractors beside them), a target turn count, a complexity target and a user
 * instruction. It keeps at most its share of {@code maxInFlightDialogs} planned and not yet ended,
 * counting ends on {@code dialog.outcomes}; the complexity measured on verified outcomes steers the
 * instruction and the tool count toward {@code complexityLow..complexityHigh}.
 *
 * <p>Topics: in {@code api.pool} (key API id, value ApiDefinition) and {@code dialog.outcomes} (key
 * planner partition, value DialogOutcome), co-partitioned; out {@code dialog.drafts} (key dialog id).
 */
public final class PlannerStage implements Stage {

    static final String POOL_STORE = "planner-pool";
    static final String COUNTERS_STORE = "planner-counters";
    static final String DRAFTS_SINK = "to-dialog-drafts";

    private final Topics topics;
    private final PipelineConfig config;

    public PlannerStage(final Topics topics, final PipelineConfig config) {
        this.topics = topics;
        this.config = config;
    }

    @Override
    public String name() {
        return "planner";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.pool.addSource(topology, "api-pool");
        topics.outcomes.addSource(topology, "dialog-outcomes");
        topology.addProcessor("planner", () -> new Planner(config), "api-pool", "dialog-outcomes");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POOL_STORE),
                Serdes.String(), topics.pool.valueSerde()), "planner");
        // Cached (StageRunner.STORE_CACHE_BYTES): every planned and every ended dialog updates a few counters.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTERS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled(), "planner");
        topics.drafts.addSink(topology, DRAFTS_SINK, "planner");
        return topology;
    }
}

package io.toolace.stream.evolution;

import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * TSS API check and dedup: every candidate must pass the verifier's API-definition rules and must not
 * repeat a pooled API's normalised signature; it then joins the pool, otherwise it goes to
 * {@code api.rejected} with the reason.
 *
 * <p>Topics: in {@code api.candidates} (key normalised-signature hash, so equal signatures meet in one
 * task); out {@code api.pool} (compacted, key API id) and {@code api.rejected}.
 */
public final class PoolStage implements Stage {

    static final String SIGNATURES_STORE = "pool-signatures";
    static final String POOL_SINK = "to-api-pool";
    static final String REJECTED_SINK = "to-api-rejected";

    private final Topics topics;
    private final ApiCheck check;

    public PoolStage(final Topics topics, final ApiCheck check) {
        this.topics = topics;
        this.check = check;
    }

    @Override
    public String name() {
        return "pool";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.candidates.addSource(topology, "api-candidates");
        topology.addProcessor("api-check", () -> new ApiCheckProcessor(check), "api-candidates");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SIGNATURES_STORE),
                Serdes.String(), Serdes.String()), "api-check");
        topics.pool.addSink(topology, POOL_SINK, "api-check");
        topics.apiRejected.addSink(topology, REJECTED_SINK, "api-check");
        return topology;
    }
}

package io.toolace.stream.evolution;

import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.ApiDefinition;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * TSS API check and dedup, in two passes. Every candidate must pass the verifier's API-definition
 * rules and must not repeat a normalised signature seen before (exact dedup, {@link ApiCheckProcessor});
 * it is then re-keyed by its block, the normalised domain/sub-domain, and must not be a near duplicate
 * of an API pooled in that block ({@link NearDuplicateProcessor}, why blocking by sub-domain in
 * {@link NearDuplicates}). It then joins the pool; otherwise it goes to {@code api.rejected} with the
 * rule id and reason.
 *
 * <p>Topics: in {@code api.candidates} (key normalised-signature hash, so equal signatures meet in one
 * task); internal {@code <application id>-pool-blocks-repartition} (key block, so APIs that could be
 * near duplicates meet in one task); out {@code api.pool} (compacted, key API id) and
 * {@code api.rejected} (key API id). Both stores are changelogged and both passes run under the
 * stage's exactly-once transactions, the repartition topic included.
 */
public final class PoolStage implements Stage {

    /** Near-duplicate threshold when none is configured. */
    public static final double DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.9;
    /** Fingerprints kept per block, so at most this many comparisons per candidate. */
    public static final int BLOCK_CAPACITY = 512;

    static final String SIGNATURES_STORE = "pool-signatures";
    static final String BLOCKS_STORE = "pool-blocks";

    private final Topics topics;
    private final ApiCheck check;
    private final double nearDuplicateThreshold;

    public PoolStage(final Topics topics, final ApiCheck check) {
        this(topics, check, DEFAULT_NEAR_DUPLICATE_THRESHOLD);
    }

    /**
     * @param nearDuplicateThreshold similarity ({@link ApiSignature#similarity}) to a pooled API in the
     *     same block at or above which a candidate is rejected, in (0, 1]
     */
    public PoolStage(final Topics topics, final ApiCheck check, final double nearDuplicateThreshold) {
        if (!(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1)) {
            throw new IllegalArgumentException("near-duplicate threshold must be in (0, 1], got " + nearDuplicateThreshold);
        }
        this.topics = topics;
        this.check = check;
        this.nearDuplicateThreshold = nearDuplicateThreshold;
    }

    @Override
    public String name() {
        return "pool";
    }

    @Override
    public Topology buildTopology() {
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<String, ApiDefinition> checked = builder
                .stream(topics.candidates.name(), topics.candidates.consumed().withName("api-candidates"))
                .process(new Supplier(() -> new ApiCheckProcessor(check), Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(SIGNATURES_STORE), Serdes.String(), Serdes.String())),
                        Named.as("api-check"));
        final KStream<String, ApiDefinition> passed = route(checked, "api-check-");
        final double threshold = nearDuplicateThreshold;
        final KStream<String, ApiDefinition> pooled = passed
                .selectKey((id, api) -> NearDuplicates.block(api), Named.as("by-block"))
                .repartition(Repartitioned.with(topics.candidates.keySerde(), topics.candidates.valueSerde())
                        .withName("pool-blocks"))
                .process(new Supplier(() -> new NearDuplicateProcessor(threshold, BLOCK_CAPACITY),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BLOCKS_STORE), Serdes.String(),
                                Serdes.ByteArray())), Named.as("near-duplicate-check"));
        route(pooled, "near-duplicate-").to(topics.pool.name(), topics.pool.produced().withName("to-api-pool"));
        return builder.build();
    }

    /** Sends rejected candidates to {@code api.rejected} and returns the others. */
    private KStream<String, ApiDefinition> route(final KStream<String, ApiDefinition> stream, final String prefix) {
        final Map<String, KStream<String, ApiDefinition>> branches = stream.split(Named.as(prefix))
                .branch((id, api) -> api.getRejection() != null, Branched.as("rejected"))
                .defaultBranch(Branched.as("passed"));
        branches.get(prefix + "rejected").to(topics.apiRejected.name(),
                topics.apiRejected.produced().withName(prefix + "to-api-rejected"));
        return branches.get(prefix + "passed");
    }

    /** A processor with the one store it owns, so the topology connects them by name. */
    private record Supplier(java.util.function.Supplier<Processor<String, ApiDefinition, String, ApiDefinition>> make,
            StoreBuilder<?> store) implements ProcessorSupplier<String, ApiDefinition, String, ApiDefinition> {

        @Override
        public Processor<String, ApiDefinition, String, ApiDefinition> get() {
            return make.get();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(store);
        }
    }
}

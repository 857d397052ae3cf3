package io.toolace.stream.evolution;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SpeciationResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TSS speciation: each API-related document is put to the speciation agent, which extracts a domain,
 * its sub-domains and functionalities; the nodes grow the API context tree.
 *
 * <p>Topics: in {@code api.seeds} (key seed id, value SeedDocument) and {@code llm.replies.speciation}
 * (key seed id, value LlmReply); out {@code llm.requests} and {@code api.context} (compacted, key node
 * id, partitioned by sub-domain so a sub-domain's functionalities meet in one evolution task).
 */
public final class SpeciationStage implements Stage {

    static final String SEEDS_STORE = "speciation-seeds";
    private static final String REQUESTS_SINK = "to-llm-requests";
    private static final String CONTEXT_SINK = "to-api-context";
    private static final int REQUESTED = 0;
    private static final int DONE = 1;
    private static final Logger LOG = LoggerFactory.getLogger(SpeciationStage.class);

    /** Nodes of one sub-domain (the first two path segments of the id) share a partition. */
    static final StreamPartitioner<String, ContextNode> BY_SUBDOMAIN = new StreamPartitioner<>() {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final String key, final ContextNode value,
                final int numPartitions) {
            return Optional.of(Set.of(partitionOf(key, numPartitions)));
        }
    };

    private final Topics topics;

    public SpeciationStage(final Topics topics) {
        this.topics = topics;
    }

    /** The partition of a context node id: that of its sub-domain (or of itself for a domain). */
    public static int partitionOf(final String nodeId, final int numPartitions) {
        final int first = nodeId.indexOf(ContextPaths.SEPARATOR);
        final int second = first < 0 ? -1 : nodeId.indexOf(ContextPaths.SEPARATOR, first + 1);
        final String subdomain = second < 0 ? nodeId : nodeId.substring(0, second);
        return Utils.toPositive(Utils.murmur2(subdomain.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    @Override
    public String name() {
        return "speciation";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.seeds.addSource(topology, "api-seeds");
        topics.speciationReplies.addSource(topology, "speciation-replies");
        topology.addProcessor("seed", SeedProcessor::new, "api-seeds");
        topology.addProcessor("speciation-reply", SpeciationReplyProcessor::new, "speciation-replies");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEDS_STORE),
                Serdes.String(), Serdes.Integer()), "seed", "speciation-reply");
        topics.llmRequests.addSink(topology, REQUESTS_SINK, "seed");
        topology.addSink(CONTEXT_SINK, topics.context.name(), topics.context.keySerde().serializer(),
                topics.context.valueSerde().serializer(), BY_SUBDOMAIN, "speciation-reply");
        return topology;
    }

    /** Asks the speciation agent about each document once. */
    private final class SeedProcessor implements Processor<String, SeedDocument, String, Object> {
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, Integer> seeds;

        @Override
        public void init(final ProcessorContext<String, Object> context) {
            this.context = context;
            this.seeds = context.getStateStore(SEEDS_STORE);
        }

        @Override
        public void process(final Record<String, SeedDocument> record) {
            final SeedDocument seed = record.value();
            if (seed.getId().isBlank() || seed.getText().isBlank()) {
                throw new PoisonRecordException("seed document '" + seed.getId() + "' has no "
                        + (seed.getId().isBlank() ? "id" : "text") + " to extract API domains from");
            }
            if (seeds.get(seed.getId()) != null) {
                return;
            }
            seeds.put(seed.getId(), REQUESTED);
            context.forward(record.withKey(seed.getId()).withValue(LlmRequests.of(AgentTask.EXTRACT_DOMAINS,
                    topics.speciationReplies.name(), seed.getId(), 0, 0, name(), seed, record.timestamp())),
                    REQUESTS_SINK);
        }
    }

    /** Grows the context tree from the agent's answer; a second answer for the same seed is dropped. */
    private static final class SpeciationReplyProcessor implements Processor<String, LlmReply, String, Object> {
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, Integer> seeds;

        @Override
        public void init(final ProcessorContext<String, Object> context) {
            this.context = context;
            this.seeds = context.getStateStore(SEEDS_STORE);
        }

        @Override
        public void process(final Record<String, LlmReply> record) {
            final LlmReply reply = record.value();
            final String seedId = reply.getRequest().getCorrelationId();
            final Integer state = seeds.get(seedId);
            if (state == null || state == DONE) {
                Metrics.counter("toolace.speciation.replies.duplicate").increment();
                return;
            }
            seeds.put(seedId, DONE);
            if (!(reply.getResult() instanceof SpeciationResult)) {
                Metrics.counter("toolace.speciation.failed").increment();
                LOG.warn("speciation of seed {} failed: {}", seedId,
                        reply.getError() != null ? reply.getError() : "no context nodes in the answer");
                return;
            }
            for (final ContextNode node : ((SpeciationResult) reply.getResult()).getNodes()) {
                context.forward(record.withKey(node.getId()).withValue(node), CONTEXT_SINK);
            }
            Metrics.counter("toolace.speciation.nodes").increment(((SpeciationResult) reply.getResult())
                    .getNodes().size());
        }
    }
}

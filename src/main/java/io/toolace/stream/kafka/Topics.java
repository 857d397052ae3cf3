package io.toolace.stream.kafka;

import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmCacheEntry;
import io.toolace.stream.records.LlmCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Every topic of the pipeline, paired with its serdes, under one prefix. Keys are strings everywhere
 * (ids, content hashes, the planner partition); values are Avro records.
 */
public final class Topics {

    /** A topic name with its serdes; {@code compacted} topics keep the latest value per key. */
    public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde, boolean compacted) {
        public Consumed<String, V> consumed() {
            return Consumed.with(keySerde, Serdes.serdeFrom(valueSerde.serializer(), sourceDeserializer()));
        }

        public Produced<String, V> produced() {
            return Produced.with(keySerde, Serdes.serdeFrom(RecordLimit.enforced(valueSerde.serializer()),
                    valueSerde.deserializer()));
        }

        /** Adds a source node named {@code node} reading this topic to a processor topology. */
        public Topology addSource(final Topology topology, final String node) {
            return topology.addSource(node, keySerde.deserializer(), sourceDeserializer(), name);
        }

        /**
         * What a stage reads values with: on a topic that is not compacted a null value is no tombstone,
         * only a record without content, so it fails to deserialize and is dead-lettered like other bytes
         * that are no record.
         */
        public Deserializer<V> sourceDeserializer() {
            final Deserializer<V> values = valueSerde.deserializer();
            if (compacted) {
                return values;
            }
            return new Deserializer<>() {
                @Override
                public V deserialize(final String topic, final byte[] data) {
                    return values.deserialize(topic, present(topic, data));
                }

                @Override
                public V deserialize(final String topic, final Headers headers, final byte[] data) {
                    return values.deserialize(topic, headers, present(topic, data));
                }
            };
        }

        private static byte[] present(final String topic, final byte[] data) {
            if (data == null) {
                throw new SerializationException("a null value on " + topic
                        + ", which is not compacted: no tombstone, and no record");
            }
            return data;
        }

        /** Adds a sink node named {@code node} writing this topic, fed by the named processors. */
        public Topology addSink(final Topology topology, final String node, final String... parents) {
            return topology.addSink(node, name, keySerde.serializer(), RecordLimit.enforced(valueSerde.serializer()),
                    parents);
        }
    }

    public final Topic<SeedDocument> seeds;
    public final Topic<ContextNode> context;
    public final Topic<ApiDefinition> candidates;
    public final Topic<ApiDefinition> apiRejected;
    public final Topic<ApiDefinition> pool;
    public final Topic<DialogDraft> drafts;
    public final Topic<DialogOutcome> outcomes;
    public final Topic<Sample> sampleCandidates;
    public final Topic<Sample> verified;
    public final Topic<Sample> rejected;
    public final Topic<LlmRequest> llmRequests;
    public final Topic<LlmReply> speciationReplies;
    public final Topic<LlmReply> evolutionReplies;
    public final Topic<LlmReply> dialogReplies;
    public final Topic<LlmReply> verifyReplies;
    /** Successful answers by cache key, so that no request is paid for twice; read whole by the gateway on start. */
    public final Topic<LlmCacheEntry> llmCache;
    /** One record per gateway reply: tokens, latency and cost per stage, task and model. */
    public final Topic<LlmCall> llmUsage;
    /** Raw bytes of anything that could not be read or processed, with the error in headers. */
    public final String dlq;

    /** The infix of replay topics: {@code <prefix>replay.<name>.<topic>}. */
    public static final String REPLAY = "replay.";

    private final String prefix;
    private final AvroSerdes serdes;
    private final List<Topic<?>> all = new ArrayList<>();

    public Topics(final String prefix, final AvroSerdes serdes) {
        this(prefix, serdes, null);
    }

    /**
     * @param shared the topics whose {@code llm.cache} and {@code llm.usage} this view uses instead of its own,
     *     or null
     */
    private Topics(final String prefix, final AvroSerdes serdes, final Topics shared) {
        this.prefix = prefix;
        this.serdes = serdes;
        seeds = add("api.seeds", serdes.serde(SeedDocument.class), false);
        context = add("api.context", serdes.serde(ContextNode.class), true);
        candidates = add("api.candidates", serdes.serde(ApiDefinition.class), false);
        apiRejected = add("api.rejected", serdes.serde(ApiDefinition.class), false);
        pool = add("api.pool", serdes.serde(ApiDefinition.class), true);
        drafts = add("dialog.drafts", serdes.serde(DialogDraft.class), false);
        outcomes = add("dialog.outcomes", serdes.serde(DialogOutcome.class), false);
        sampleCandidates = add("samples.candidates", serdes.serde(Sample.class), false);
        verified = add("samples.verified", serdes.serde(Sample.class), false);
        rejected = add("samples.rejected", serdes.serde(Sample.class), false);
        llmRequests = add("llm.requests", serdes.serde(LlmRequest.class), false);
        final Serde<LlmReply> replies = serdes.serde(LlmReply.class);
        speciationReplies = add("llm.replies.speciation", replies, false);
        evolutionReplies = add("llm.replies.evolution", replies, false);
        dialogReplies = add("llm.replies.dialog", replies, false);
        verifyReplies = add("llm.replies.verify", replies, false);
        llmCache = shared == null ? add("llm.cache", serdes.serde(LlmCacheEntry.class), true) : shared.llmCache;
        llmUsage = shared == null ? add("llm.usage", serdes.serde(LlmCall.class), false) : shared.llmUsage;
        dlq = prefix + "dlq";
    }

    /**
     * The topics a replay named {@code name} works on: every topic renamed to
     * {@code <prefix>replay.<name>.<topic>}, so a stage built on this view reads a copied range and writes
     * nothing a production stage reads, except the LLM cache and usage, which stay shared: a replay reads
     * the answers paid for before and adds what it pays for. Its prefix is {@code <prefix>replay.<name>.},
     * which also names the Streams application and the gateway's consumer group apart from production.
     */
    public Topics replay(final String name) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("a replay name takes letters, digits, '_' and '-' only, not '" + name + "'");
        }
        return new Topics(prefix + REPLAY + name + ".", serdes, this);
    }

    private <V> Topic<V> add(final String name, final Serde<V> valueSerde, final boolean compacted) {
        final Topic<V> topic = new Topic<>(prefix + name, Serdes.String(), valueSerde, compacted);
        all.add(topic);
        return topic;
    }

    public String prefix() {
        return prefix;
    }

    public List<Topic<?>> all() {
        return List.copyOf(all);
    }

    /** What the admin step creates: every topic, the DLQ included, with the same partition count. */
    public List<TopicSpec> specs(final int partitions, final short replication) {
        final List<TopicSpec> specs = new ArrayList<>();
        for (final Topic<?> topic : all) {
            specs.add(new TopicSpec(topic.name(), partitions, replication,
                    topic.compacted() ? Map.of("cleanup.policy", "compact") : Map.of()));
        }
        specs.add(new TopicSpec(dlq, partitions, replication, Map.of()));
        return specs;
    }
}

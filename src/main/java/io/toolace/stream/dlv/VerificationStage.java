package io.toolace.stream.dlv;

import io.toolace.stream.dialog.ComplexityEvaluator;
import io.toolace.stream.dialog.ComplexityProxy;
import io.toolace.stream.dialog.Outcomes;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * DLV, Dual-Layer Verification. The rule layer (the pure-Java verifier) runs first; a sample that fails
 * it is rejected at once. A sample that passes is put to every configured model-layer judge through the
 * gateway; the verdicts fan back in and the sample is verified only when every judge passed it.
 * Identical content that was verified within the dedup horizon ({@link VerifiedIds}) or is being judged is
 * rejected as a duplicate, so no key appears twice in {@code samples.verified} within it. With {@link PipelineConfig#complexityModel()}, a sample
 * that passed is decided only once the gateway has measured its complexity ({@link ComplexityScoring}).
 *
 * <p>Topics: in {@code samples.candidates} (key sample content hash, value Sample) and
 * {@code llm.replies.verify} (key sample id, value LlmReply); out {@code llm.requests},
 * {@code samples.verified} and {@code samples.rejected} (key sample id, value Sample with every
 * verdict, its measured complexity, lineage in headers) and {@code dialog.outcomes}.
 */
public final class VerificationStage implements Stage {

    static final String JUDGING_STORE = "judging";
    static final String SCORING_STORE = "complexity-scoring";
    static final String REQUESTS_SINK = "to-llm-requests";
    static final String VERIFIED_SINK = "to-samples-verified";
    static final String REJECTED_SINK = "to-samples-rejected";
    static final String OUTCOMES_SINK = "to-dialog-outcomes";

    private final Topics topics;
    private final PipelineConfig config;
    private final RuleLayer ruleLayer;
    private final ComplexityEvaluator complexity;
    private final InlineLlm inline;

    /** Measures complexity with the model-free {@link ComplexityProxy}. */
    public VerificationStage(final Topics topics, final PipelineConfig config, final RuleLayer ruleLayer) {
        this(topics, config, ruleLayer, new ComplexityProxy(), null);
    }

    /**
     * With {@code inline} (a backend that answers inline; null for none), the judges and the complexity score are
     * asked on the stage's thread and a sample is decided in the step that reads it; replies to requests asked
     * before (through the gateway, on the same topics) are still taken.
     */
    public VerificationStage(final Topics topics, final PipelineConfig config, final RuleLayer ruleLayer,
            final ComplexityEvaluator complexity, final InlineLlm inline) {
        this.topics = topics;
        this.config = config;
        this.ruleLayer = ruleLayer;
        this.complexity = complexity;
        this.inline = inline;
    }

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.sampleCandidates.addSource(topology, "samples-candidates");
        topics.verifyReplies.addSource(topology, "judge-replies");
        topology.addProcessor("rule-layer", () -> new RuleLayerProcessor(topics, config, ruleLayer, complexity, inline),
                "samples-candidates");
        topology.addProcessor("model-layer", () -> new ModelLayerProcessor(topics, config, complexity, inline),
                "judge-replies");
        // Cached (StageRunner.STORE_CACHE_BYTES): a sample waits here for its judges, often less than a commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JUDGING_STORE),
                Serdes.String(), topics.sampleCandidates.valueSerde()).withCachingEnabled(),
                "rule-layer", "model-layer");
        topology.addStateStore(VerifiedIds.storeBuilder(config.dedupHorizon()), "rule-layer", "model-layer");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCORING_STORE),
                Serdes.String(), topics.sampleCandidates.valueSerde()).withCachingEnabled(),
                "rule-layer", "model-layer");
        topics.llmRequests.addSink(topology, REQUESTS_SINK, "rule-layer", "model-layer");
        topics.verified.addSink(topology, VERIFIED_SINK, "rule-layer", "model-layer");
        topics.rejected.addSink(topology, REJECTED_SINK, "rule-layer", "model-layer");
        Outcomes.addSink(topology, topics, OUTCOMES_SINK, "rule-layer", "model-layer");
        return topology;
    }
}

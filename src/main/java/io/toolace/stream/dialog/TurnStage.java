package io.toolace.stream.dialog;

import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * SDG's turn loop. A draft on {@code dialog.drafts} names the agent whose turn is next; this stage asks
 * the gateway for that agent's turn ({@code llm.requests}), and when the answer comes back on
 * {@code llm.replies.dialog} appends it and puts the draft back on {@code dialog.drafts}. A draft whose
 * next agent is DONE becomes a sample on {@code samples.candidates}.
 *
 * <p>Topics: in {@code dialog.drafts} (key dialog id, value DialogDraft), {@code llm.replies.dialog}
 * (key dialog id, value LlmReply); out {@code llm.requests}, {@code dialog.drafts},
 * {@code samples.candidates} (key sample content hash), {@code samples.rejected} and
 * {@code dialog.outcomes} for drafts that cannot go on.
 */
public final class TurnStage implements Stage {

    static final String STEPS_STORE = "dialog-steps";
    static final String REQUESTS_SINK = "to-llm-requests";
    static final String DRAFTS_SINK = "to-dialog-drafts";
    static final String CANDIDATES_SINK = "to-samples-candidates";
    static final String REJECTED_SINK = "to-samples-rejected";
    static final String OUTCOMES_SINK = "to-dialog-outcomes";

    private final Topics topics;
    private final PipelineConfig config;

    public TurnStage(final Topics topics, final PipelineConfig config) {
        this.topics = topics;
        this.config = config;
    }

    @Override
    public String name() {
        return "dialog";
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.drafts.addSource(topology, "dialog-drafts");
        topics.dialogReplies.addSource(topology, "dialog-replies");
        topology.addProcessor("draft", () -> new DraftProcessor(topics, config.maxSteps()), "dialog-drafts");
        topology.addProcessor("turn-reply", TurnReplyProcessor::new, "dialog-replies");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STEPS_STORE), Serdes.String(), Serdes.Integer()), "draft", "turn-reply");
        topics.llmRequests.addSink(topology, REQUESTS_SINK, "draft");
        topics.sampleCandidates.addSink(topology, CANDIDATES_SINK, "draft");
        topics.drafts.addSink(topology, DRAFTS_SINK, "turn-reply");
        topics.rejected.addSink(topology, REJECTED_SINK, "draft", "turn-reply");
        Outcomes.addSink(topology, topics, OUTCOMES_SINK, "draft", "turn-reply");
        return topology;
    }
}

package io.toolace.stream.dialog;

import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
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
 *
 * <p>With a backend that answers inline ({@link InlineLlm}), the loop runs inside the stage instead: a draft
 * read from {@code dialog.drafts} leaves as a candidate or a rejection, with no request, reply or draft in
 * between.
 *
 * <p>With {@code assistantVotes} above 1, an assistant step is asked that many times and the answers vote
 * ({@link AssistantVote}); a step without a majority is asked again up to {@code voteRetries} times.
 */
public final class TurnStage implements Stage {

    static final String STAGE = "dialog";
    static final String STEPS_STORE = "dialog-steps";
    /** Per draft, the open vote on its assistant step; empty when assistantVotes is 1. */
    static final String BALLOTS_STORE = "dialog-vote-ballots";
    /** Per draft and sample index, the answers of the open vote collected so far. */
    static final String VOTES_STORE = "dialog-votes";
    static final String REQUESTS_SINK = "to-llm-requests";
    static final String DRAFTS_SINK = "to-dialog-drafts";
    static final String CANDIDATES_SINK = "to-samples-candidates";
    static final String REJECTED_SINK = "to-samples-rejected";
    static final String OUTCOMES_SINK = "to-dialog-outcomes";

    private final Topics topics;
    private final PipelineConfig config;
    private final InlineLlm inline;

    public TurnStage(final Topics topics, final PipelineConfig config) {
        this(topics, config, null);
    }

    /**
     * With {@code inline} (a backend that answers inline; null for none), a draft's whole loop runs in one
     * processing step and only its end is written; replies to requests asked before (a run through the gateway on
     * the same topics) are still taken, and the drafts they move on finish inline.
     */
    public TurnStage(final Topics topics, final PipelineConfig config, final InlineLlm inline) {
        this.topics = topics;
        this.config = config;
        this.inline = inline;
    }

    @Override
    public String name() {
        return STAGE;
    }

    @Override
    public Topology buildTopology() {
        final Topology topology = new Topology();
        topics.drafts.addSource(topology, "dialog-drafts");
        topics.dialogReplies.addSource(topology, "dialog-replies");
        topology.addProcessor("draft", () -> new DraftProcessor(topics, config, inline), "dialog-drafts");
        topology.addProcessor("turn-reply", () -> new TurnReplyProcessor(config.voteRetries(), config.answerRetries()), "dialog-replies");
        // Cached (StageRunner.STORE_CACHE_BYTES): a dialog's step and votes change on every turn.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STEPS_STORE),
                Serdes.String(), Serdes.Integer()).withCachingEnabled(), "draft", "turn-reply");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BALLOTS_STORE),
                Serdes.String(), Ballot.SERDE).withCachingEnabled(), "draft", "turn-reply");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VOTES_STORE),
                Serdes.String(), topics.dialogReplies.valueSerde()).withCachingEnabled(), "turn-reply");
        topics.llmRequests.addSink(topology, REQUESTS_SINK, "draft", "turn-reply");
        topics.sampleCandidates.addSink(topology, CANDIDATES_SINK, "draft");
        topics.drafts.addSink(topology, DRAFTS_SINK, "turn-reply");
        topics.rejected.addSink(topology, REJECTED_SINK, "draft", "turn-reply");
        Outcomes.addSink(topology, topics, OUTCOMES_SINK, "draft", "turn-reply");
        return topology;
    }
}

package io.toolace.stream.dialog;

import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The open vote on a draft's awaited assistant step: the sample indexes of the round it waits for. Each
 * round asks for new indexes, so the requests get new ids and the gateway's cache does not hand back the
 * answers that just disagreed. The ballot carries its own size, so drafts in flight finish their vote when
 * {@code assistantVotes} changes across a restart.
 *
 * @param firstSample sample index of the round's first answer
 * @param votes answers in each round
 */
record Ballot(int firstSample, int votes) {

    /** Two ints; a state store needs no schema for them. */
    static final Serde<Ballot> SERDE = Serdes.serdeFrom(
            (topic, ballot) -> ballot == null ? null
                    : ByteBuffer.allocate(2 * Integer.BYTES).putInt(ballot.firstSample).putInt(ballot.votes).array(),
            (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                return new Ballot(buffer.getInt(), buffer.getInt());
            });

    static Ballot first(final int votes) {
        return new Ballot(0, votes);
    }

    /** Rounds before this one: 0 for the first ask, then one per retry. */
    int round() {
        return firstSample / votes;
    }

    Ballot next() {
        return new Ballot(firstSample + votes, votes);
    }

    boolean counts(final int sampleIndex) {
        return sampleIndex >= firstSample && sampleIndex < firstSample + votes;
    }

    /** The round's requests, one per sample index, for the step the draft waits for. */
    List<LlmRequest> requests(final String replyTopic, final DialogDraft draft, final long nowMs) {
        final List<LlmRequest> requests = new ArrayList<>(votes);
        for (int index = firstSample; index < firstSample + votes; index++) {
            requests.add(LlmRequests.of(AgentTask.ASSISTANT_TURN, replyTopic, draft.getId(), draft.getStep(), index,
                    TurnStage.STAGE, draft, nowMs));
        }
        return requests;
    }
}

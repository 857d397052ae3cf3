package io.toolace.stream.llm;

import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one typed agent request into a typed reply. The gateway is the only caller; stages never
 * call a backend inline, so an implementation may take seconds (network) or microseconds
 * (procedural) without holding a Streams transaction open.
 *
 * <p>An implementation never completes the future exceptionally for a bad answer: it returns a
 * reply whose {@code error} says why, so the draft or sample behind it ends rejected with a
 * reason instead of being lost.
 */
public interface LlmBackend extends AutoCloseable {

    /** The backend kind, e.g. {@code procedural} or {@code openai}; recorded in lineage and usage. */
    String name();

    /** The model answering, recorded in lineage and usage. */
    String model();

    /**
     * Settings that change the answer to the same request (sampling temperature, token limit, a
     * generator seed), as one stable string. The gateway's cache key includes it, so that a run with
     * other settings does not reuse the answers of this one.
     */
    default String parameters() {
        return "";
    }

    /**
     * Whether the gateway keeps this backend's answers in {@code llm.cache} and answers from them. Worth it for
     * a backend whose calls are paid for or slow; not for one that answers in microseconds for nothing, where
     * the key (a hash over the whole payload) and the entry written cost more than asking again.
     */
    default boolean cachesAnswers() {
        return true;
    }

    CompletableFuture<LlmReply> answer(LlmRequest request);

    @Override
    default void close() {}
}

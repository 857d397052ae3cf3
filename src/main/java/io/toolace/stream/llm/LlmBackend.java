package io.toolace.stream.llm;

import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one typed agent request into a typed reply. The gateway is the caller; stages call a backend
 * inline only when it {@linkplain #answersInline() answers inline} and the pipeline is configured so, so an
 * implementation may take seconds (network) or microseconds (procedural) without holding a Streams
 * transaction open.
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

    /**
     * Whether a stage may ask this backend on its own stream thread ({@link #answerInline}) instead of through
     * {@code llm.requests} and the gateway. Only for a backend that answers in microseconds, does no I/O, costs
     * nothing and gives the same reply to the same request every time: a stage that processes a record again
     * after a crash then asks again and gets the same turns, so exactly-once output holds with no cache.
     */
    default boolean answersInline() {
        return false;
    }

    /** The reply, computed on the caller's thread; only for a backend that {@link #answersInline()}. */
    default LlmReply answerInline(final LlmRequest request) {
        throw new UnsupportedOperationException("the " + name() + " backend answers through the gateway only");
    }

    @Override
    default void close() {}
}

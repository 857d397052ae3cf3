package io.toolace.stream.llm;

import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that hands everything to another; wrappers override only what they change. A wrapper written out by
 * hand missed {@link #cachesAnswers} once it was added, and quietly turned the cache back on for a replay.
 */
public abstract class ForwardingBackend implements LlmBackend {

    protected final LlmBackend backend;

    protected ForwardingBackend(final LlmBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public String model() {
        return backend.model();
    }

    @Override
    public String parameters() {
        return backend.parameters();
    }

    @Override
    public boolean cachesAnswers() {
        return backend.cachesAnswers();
    }

    /**
     * Not forwarded: a wrapper changes {@link #answer}, and a stage asking the wrapped backend inline would
     * bypass the change.
     */
    @Override
    public boolean answersInline() {
        return false;
    }

    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        return backend.answer(request);
    }

    @Override
    public void close() {
        backend.close();
    }
}

package io.toolace.stream.llm;

import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Another backend whose answers the gateway caches, whatever that backend says: for tests of the cache that
 * run on the free procedural backend, whose answers are not cached otherwise.
 */
public final class CachedBackend implements LlmBackend {

    private final LlmBackend backend;

    public CachedBackend(final LlmBackend backend) {
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
        return true;
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

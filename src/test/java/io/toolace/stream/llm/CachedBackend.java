package io.toolace.stream.llm;

/**
 * Another backend whose answers the gateway caches, whatever that backend says: for tests of the cache that
 * run on the free procedural backend, whose answers are not cached otherwise.
 */
public final class CachedBackend extends ForwardingBackend {

    public CachedBackend(final LlmBackend backend) {
        super(backend);
    }

    @Override
    public boolean cachesAnswers() {
        return true;
    }
}

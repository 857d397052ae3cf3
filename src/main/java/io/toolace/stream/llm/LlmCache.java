package io.toolace.stream.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.LlmCacheEntry;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.SpeciationResult;
import io.toolace.stream.records.TurnResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's local index of answers already paid for; the compacted topic {@code llm.cache} is
 * the durable copy, read into it on start.
 *
 * <p>Memory is bounded by {@code maxEntries}: beyond it the least recently used answer is dropped
 * ({@code toolace.llm.cache.evicted}) and a request for it is paid for again. Entries hold the answer
 * without the request (a turn, an API, a verdict: a few KB at most), so the default of 100,000 stays
 * within a few hundred MB. Keeping only keys and topic offsets and fetching hits from the topic would
 * cost less memory but a broker round trip per hit on the gateway's one thread.
 *
 * <p>Used from the gateway's thread only.
 */
final class LlmCache {

    private final int maxEntries;
    private final AtomicInteger size = new AtomicInteger();
    private final Counter hits = Metrics.counter("toolace.llm.cache", "result", "hit");
    private final Counter misses = Metrics.counter("toolace.llm.cache", "result", "miss");
    private final Counter evicted = Metrics.counter("toolace.llm.cache.evicted");
    private final Map<String, LlmCacheEntry> entries;

    LlmCache(final int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("cache entries must be at least 0, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, LlmCacheEntry> eldest) {
                final boolean full = size() > LlmCache.this.maxEntries;
                if (full) {
                    evicted.increment();
                }
                return full;
            }
        };
        Metrics.gauge("toolace.llm.cache.entries", size);
    }

    /** Whether answers are kept at all; 0 entries turns the cache off. */
    boolean enabled() {
        return maxEntries > 0;
    }

    /** The cached answer rebuilt as a reply to {@code request}, or null (counted as hit or miss). */
    LlmReply lookup(final String key, final LlmRequest request) {
        final LlmCacheEntry entry = entries.get(key);
        if (entry == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        // Tokens stay those of the paid call, so a reply says how big its answer was; attempts 0: no call made.
        final LlmUsage usage = LlmUsage.newBuilder(entry.getUsage()).setCached(true).setLatencyMs(0).setAttempts(0)
                .build();
        return LlmReply.newBuilder().setRequest(request).setResult(entry.getResult()).setError(null)
                .setUsage(usage).setRaw(entry.getRaw()).build();
    }

    /**
     * The entry to keep for a successful reply; null for a failed one, which a retry may fix, and for an
     * answer an entry cannot hold ({@link #holds}).
     */
    static LlmCacheEntry entryOf(final LlmReply reply, final long nowMs) {
        if (reply.getError() != null || !holds(reply.getRequest().getTask(), reply.getResult())) {
            return null;
        }
        return LlmCacheEntry.newBuilder().setTask(reply.getRequest().getTask()).setResult(reply.getResult())
                .setUsage(reply.getUsage()).setRaw(reply.getRaw()).setCachedAtMs(nowMs).build();
    }

    /**
     * Whether an entry can keep this answer to the task: it must be of the task's result type, one of those
     * the entry's schema has. A complexity score is not among them, so a replay asks for it again.
     */
    static boolean holds(final AgentTask task, final Object result) {
        switch (task) {
            case EXTRACT_DOMAINS:
                return result instanceof SpeciationResult;
            case GENERATE_API:
                return result instanceof ApiGenerationResult;
            case USER_TURN:
            case ASSISTANT_TURN:
            case TOOL_RESPONSE:
                return result instanceof TurnResult;
            case SCORE_COMPLEXITY:
                return false;
            default:
                return result instanceof JudgeResult;
        }
    }

    void put(final String key, final LlmCacheEntry entry) {
        if (enabled()) {
            entries.put(key, entry);
            size.set(entries.size());
        }
    }

    int size() {
        return entries.size();
    }
}

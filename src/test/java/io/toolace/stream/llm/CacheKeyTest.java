package io.toolace.stream.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    static {
        TrustedClasses.trustNamedTypesOf(LlmReply.getClassSchema());
    }

    private record Backend(String name, String model, String parameters) implements LlmBackend {
        @Override
        public CompletableFuture<LlmReply> answer(final LlmRequest request) {
            throw new UnsupportedOperationException("only its identity is hashed");
        }
    }

    private static final Backend BACKEND = new Backend("openai", "m1", "temperature=0.7");

    private static DialogDraft draft(final long createdAtMs) {
        final DialogDraft draft = StageFixtures.draft("d1", 0);
        final ApiDefinition tool = ApiDefinition.newBuilder(StageFixtures.weatherApi())
                .setLineage(lineage(createdAtMs + 7, Map.of())).build();
        return DialogDraft.newBuilder(draft).setTools(List.of(tool)).setLineage(lineage(createdAtMs, Map.of())).build();
    }

    private static Lineage lineage(final long createdAtMs, final Map<String, String> agents) {
        return Lineage.newBuilder(StageFixtures.lineage()).setCreatedAtMs(createdAtMs).setAgents(agents).build();
    }

    private static LlmRequest request(final int sampleIndex, final Object payload, final long nowMs) {
        return LlmRequests.of(AgentTask.ASSISTANT_TURN, "t.llm.replies.dialog", "d1", 3, sampleIndex, "dialog",
                payload, nowMs);
    }

    @Test
    void sameContentGivesTheSameKeyWhateverTheClock() {
        final String first = CacheKey.of(BACKEND, request(0, draft(1_000), 1_000));
        final String later = CacheKey.of(BACKEND, request(0, draft(99_000), 99_500));

        assertThat(later).isEqualTo(first).hasSize(32);
    }

    @Test
    void sampleIndexModelPromptVersionAndBackendSettingsEachChangeTheKey() {
        final LlmRequest request = request(0, draft(1_000), 1_000);
        final String key = CacheKey.of(BACKEND, request);

        assertThat(CacheKey.of(BACKEND, request(1, draft(1_000), 1_000))).isNotEqualTo(key);
        assertThat(CacheKey.of(new Backend("openai", "m2", "temperature=0.7"), request)).isNotEqualTo(key);
        assertThat(CacheKey.of(new Backend("openai", "m1", "temperature=0.2"), request)).isNotEqualTo(key);
        assertThat(CacheKey.of(new Backend("procedural", "m1", "temperature=0.7"), request)).isNotEqualTo(key);
        assertThat(CacheKey.of(BACKEND, LlmRequest.newBuilder(request).setPromptVersion("v2").build()))
                .isNotEqualTo(key);
        assertThat(CacheKey.of(BACKEND, LlmRequest.newBuilder(request).setTask(AgentTask.USER_TURN).build()))
                .isNotEqualTo(key);
    }

    @Test
    void theContentOfThePayloadChangesTheKey() {
        final String key = CacheKey.of(BACKEND, request(0, draft(1_000), 1_000));
        final DialogDraft other = DialogDraft.newBuilder(draft(1_000)).setUserInstruction("be brief").build();

        assertThat(CacheKey.of(BACKEND, request(0, other, 1_000))).isNotEqualTo(key);
    }

    @Test
    void lineageAgentsAreHashedInKeyOrder() {
        final Map<String, String> ab = new LinkedHashMap<>();
        ab.put("USER_TURN", "openai/m1");
        ab.put("TOOL_RESPONSE", "procedural/procedural-v1");
        final Map<String, String> ba = new LinkedHashMap<>();
        ba.put("TOOL_RESPONSE", "procedural/procedural-v1");
        ba.put("USER_TURN", "openai/m1");
        final DialogDraft first = DialogDraft.newBuilder(draft(1_000)).setLineage(lineage(1_000, ab)).build();
        final DialogDraft second = DialogDraft.newBuilder(draft(1_000)).setLineage(lineage(1_000, ba)).build();

        assertThat(CacheKey.of(BACKEND, request(0, second, 1_000))).isEqualTo(CacheKey.of(BACKEND, request(0, first, 1_000)));
    }

    @Test
    void hashingLeavesTheRequestAsItWas() {
        final LlmRequest request = request(0, draft(1_000), 1_000);
        final LlmRequest copy = LlmRequest.newBuilder(request).build();

        CacheKey.of(BACKEND, request);

        assertThat(request).isEqualTo(copy);
        assertThat(((DialogDraft) request.getPayload()).getLineage().getCreatedAtMs()).isEqualTo(1_000);
    }
}

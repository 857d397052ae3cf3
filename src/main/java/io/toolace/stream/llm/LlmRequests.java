package io.toolace.stream.llm;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;

/** Builds requests with deterministic ids, so a replayed or re-sent step asks the same question. */
public final class LlmRequests {

    /** Version of the prompt templates and procedural grammar; recorded in every sample's lineage. */
    public static final String PROMPT_VERSION = "v1";

    private LlmRequests() {}

    /** What a request of the task carries: the document, generation input, draft or sample its agent reads. */
    public static Class<?> payloadType(final AgentTask task) {
        switch (task) {
            case EXTRACT_DOMAINS:
                return SeedDocument.class;
            case GENERATE_API:
                return ApiGenerationInput.class;
            case USER_TURN:
            case ASSISTANT_TURN:
            case TOOL_RESPONSE:
                return DialogDraft.class;
            default:
                return Sample.class;
        }
    }

    public static LlmRequest of(final AgentTask task, final String replyTopic, final String correlationId,
            final int step, final int sampleIndex, final String stage, final Object payload, final long nowMs) {
        return LlmRequest.newBuilder()
                .setId(ContentHash.of(correlationId, Integer.toString(step), task.name(), Integer.toString(sampleIndex)))
                .setTask(task)
                .setReplyTopic(replyTopic)
                .setCorrelationId(correlationId)
                .setStep(step)
                .setSampleIndex(sampleIndex)
                .setStage(stage)
                .setPromptVersion(PROMPT_VERSION)
                .setCreatedAtMs(nowMs)
                .setPayload(payload)
                .build();
    }
}

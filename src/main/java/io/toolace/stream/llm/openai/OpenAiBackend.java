package io.toolace.stream.llm.openai;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.SeedDocument;
import java.net.http.HttpTimeoutException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any OpenAI-compatible chat-completions server as the agents of the API pool: speciation
 * ({@code EXTRACT_DOMAINS}) and adaptation + evolution ({@code GENERATE_API}), with the prompt
 * templates of {@code prompts/<version>/}. The dialog agents and judges have no prompt yet; the
 * CLI checks {@link #supportedTasks()} before starting a run with this backend.
 *
 * <p>Every future completes normally: a failed call or an unusable answer is a reply with
 * {@code error} set to the reason, {@code raw} to what the server said, and no result.
 */
public final class OpenAiBackend implements LlmBackend {

    /** What a failed reply keeps of the answer text: enough to see what went wrong. */
    static final int MAX_RAW_CHARS = 4_000;

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);
    private static final Set<AgentTask> SUPPORTED =
            Collections.unmodifiableSet(EnumSet.of(AgentTask.EXTRACT_DOMAINS, AgentTask.GENERATE_API));

    private final OpenAiClient client;
    private final SpeciationPrompt speciation;
    private final EvolutionPrompt evolution;

    /**
     * @throws IllegalStateException when a prompt template is missing from the classpath
     */
    public OpenAiBackend(final OpenAiEndpoint endpoint) {
        this.client = new OpenAiClient(endpoint);
        this.speciation = new SpeciationPrompt(LlmRequests.PROMPT_VERSION);
        this.evolution = new EvolutionPrompt(LlmRequests.PROMPT_VERSION);
    }

    /** The tasks this backend has prompt templates for. */
    public static Set<AgentTask> supportedTasks() {
        return SUPPORTED;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String model() {
        return client.endpoint().model();
    }

    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        final long started = System.nanoTime();
        if (!SUPPORTED.contains(request.getTask())) {
            return CompletableFuture.completedFuture(failed(request, Failure.UNSUPPORTED,
                    "openai backend: no prompt template for task " + request.getTask() + " yet", "", null, started));
        }
        final List<ChatMessage> messages;
        try {
            messages = request.getTask() == AgentTask.EXTRACT_DOMAINS
                    ? speciation.messages((SeedDocument) request.getPayload())
                    : evolution.messages((ApiGenerationInput) request.getPayload());
        } catch (final RuntimeException e) {
            // The request itself is wrong (no functionality, unknown indicator): asking a model would not help.
            return CompletableFuture.completedFuture(failed(request, Failure.REQUEST, e.getMessage(), "", null, started));
        }
        final CompletableFuture<Completion> call;
        try {
            call = client.complete(messages);
        } catch (final RuntimeException e) {
            return CompletableFuture.completedFuture(callFailed(request, e, started));
        }
        return call.handle((completion, failure) -> {
            try {
                return failure != null ? callFailed(request, failure, started) : replied(request, completion, started);
            } catch (final RuntimeException e) {
                // A bug in mapping must not lose the request: it ends as a failed reply like any other.
                return failed(request, Failure.MAPPING, e.toString(), completion == null ? "" : completion.content(),
                        completion, started);
            }
        });
    }

    /** Why a reply carries no result; the metric tag and the words of the reason. */
    private enum Failure {
        UNSUPPORTED("unsupported", ""),
        REQUEST("request", "request rejected"),
        CALL("call", "call failed"),
        ANSWER("answer", "answer rejected"),
        MAPPING("mapping", "answer could not be mapped");

        final String tag;
        final String words;

        Failure(final String tag, final String words) {
            this.tag = tag;
            this.words = words;
        }
    }

    private LlmReply replied(final LlmRequest request, final Completion completion, final long started) {
        final Object result;
        try {
            final JsonAnswers.Answer answer = JsonAnswers.object(completion.content(), completion.finishReason());
            for (final JsonAnswers.Repair repair : answer.repairs()) {
                Metrics.counter("toolace.llm.openai.repaired", "task", request.getTask().name(),
                        "repair", repair.label()).increment();
            }
            if (!answer.repairs().isEmpty()) {
                LOG.debug("{} for {}: answer repaired ({})", request.getTask(), request.getCorrelationId(),
                        answer.repairs());
            }
            result = request.getTask() == AgentTask.EXTRACT_DOMAINS
                    ? speciation.parse(answer.object(), (SeedDocument) request.getPayload())
                    : evolution.parse(answer.object(), (ApiGenerationInput) request.getPayload());
        } catch (final AnswerRejected e) {
            return failed(request, Failure.ANSWER, e.getMessage(), completion.content(), completion, started);
        }
        return LlmReply.newBuilder()
                .setRequest(request)
                .setResult(result)
                .setUsage(usage(completion, started))
                .build();
    }

    private LlmReply callFailed(final LlmRequest request, final Throwable failure, final long started) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof OpenAiException) {
            return failed(request, Failure.CALL, cause.getMessage(), ((OpenAiException) cause).bodyExcerpt(), null,
                    started);
        }
        // Transport failures (refused connection, timeout) often have no message: say where and how long.
        final String reason = cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                + " calling " + client.endpoint().chatCompletionsUrl()
                + (cause instanceof HttpTimeoutException ? " with timeout " + client.endpoint().requestTimeout() : "");
        return failed(request, Failure.CALL, reason, "", null, started);
    }

    private LlmReply failed(final LlmRequest request, final Failure failure, final String detail, final String raw,
            final Completion completion, final long started) {
        final String reason = failure == Failure.UNSUPPORTED
                ? detail : "openai " + request.getTask() + " " + failure.words + ": " + detail;
        Metrics.counter("toolace.llm.openai.failed", "task", request.getTask().name(), "failure", failure.tag)
                .increment();
        LOG.warn("{} for {}: {}", request.getTask(), request.getCorrelationId(), reason);
        return LlmReply.newBuilder()
                .setRequest(request)
                .setResult(null)
                .setError(reason)
                .setRaw(raw.length() <= MAX_RAW_CHARS ? raw : raw.substring(0, MAX_RAW_CHARS))
                .setUsage(usage(completion, started))
                .build();
    }

    private LlmUsage usage(final Completion completion, final long started) {
        return LlmUsage.newBuilder()
                .setBackend(name())
                .setModel(model())
                .setPromptTokens(completion == null ? 0 : completion.promptTokens())
                .setCompletionTokens(completion == null ? 0 : completion.completionTokens())
                .setLatencyMs((System.nanoTime() - started) / 1_000_000)
                .build();
    }
}

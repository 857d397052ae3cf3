package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ComplexityResult;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any OpenAI-compatible chat-completions server as every agent of the pipeline, with the prompt
 * templates of {@code prompts/<version>/}: speciation ({@code EXTRACT_DOMAINS}) and adaptation +
 * evolution ({@code GENERATE_API}) for the API pool; the user, assistant and tool agents of dialog
 * generation ({@code USER_TURN}, {@code ASSISTANT_TURN}, {@code TOOL_RESPONSE}); and the four
 * model-layer judges ({@code JUDGE_*}). The CLI checks {@link #supportedTasks()} before starting a
 * run with this backend.
 *
 * <p>{@code SCORE_COMPLEXITY}, SDG's complexity evaluator, asks no prompt: it is the same model's
 * {@link TokenLoss mean token loss} on the sample as the exported ToolACE JSONL line, the very text a
 * trainer reads. The loss spans the whole line (tool list, user turns and JSON syntax too, not only the
 * assistant's turns), as echoed log-probabilities come without turn boundaries; so its level depends on
 * model and format, and the loss-to-complexity scale is configured. A server without echoed prompt
 * log-probabilities gives a reply with {@code measured} false, and the stage falls back to its proxy.
 *
 * <p>Each call carries a {@code seed} derived from the request's correlation id and step plus its
 * {@code sampleIndex}: the N samples of one assistant action (the consistency vote) or of one judge
 * get different seeds, and a re-sent request the same one. A server that ignores {@code seed}
 * still samples each call independently at a temperature above 0, so the samples can differ there
 * too; at temperature 0 they agree, and the vote decides nothing.
 *
 * <p>Every future completes normally: a failed call or an unusable answer is a reply with
 * {@code error} set to the reason, {@code raw} to what the server said, and no result.
 */
public final class OpenAiBackend implements LlmBackend {

    private static final Set<AgentTask> SUPPORTED = Collections.unmodifiableSet(EnumSet.allOf(AgentTask.class));

    /** What a failed reply keeps of the answer text: enough to see what went wrong. */
    static final int MAX_RAW_CHARS = 4_000;

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);

    private final OpenAiClient client;
    private final TokenLoss tokenLoss;
    private final Map<AgentTask, Task<?>> tasks;

    /**
     * @throws IllegalStateException when a prompt template is missing from the classpath, or a task
     *     has no prompt
     */
    public OpenAiBackend(final OpenAiEndpoint endpoint) {
        this.client = new OpenAiClient(endpoint);
        this.tokenLoss = new TokenLoss(endpoint);
        this.tasks = tasks(LlmRequests.PROMPT_VERSION);
    }

    private static Map<AgentTask, Task<?>> tasks(final String version) {
        final SpeciationPrompt speciation = new SpeciationPrompt(version);
        final EvolutionPrompt evolution = new EvolutionPrompt(version);
        final UserTurnPrompt user = new UserTurnPrompt(version);
        final AssistantTurnPrompt assistant = new AssistantTurnPrompt(version);
        final ToolResponsePrompt tool = new ToolResponsePrompt(version);
        final Map<AgentTask, Task<?>> tasks = new EnumMap<>(AgentTask.class);
        tasks.put(AgentTask.EXTRACT_DOMAINS, new Task<>(SeedDocument.class, speciation::messages, speciation::parse));
        tasks.put(AgentTask.GENERATE_API, new Task<>(ApiGenerationInput.class, evolution::messages, evolution::parse));
        tasks.put(AgentTask.USER_TURN, new Task<>(DialogDraft.class, user::messages, (answer, draft) -> user.parse(answer)));
        tasks.put(AgentTask.ASSISTANT_TURN, new Task<>(DialogDraft.class, assistant::messages, assistant::parse));
        tasks.put(AgentTask.TOOL_RESPONSE, new Task<>(DialogDraft.class, tool::messages, tool::parse));
        for (final AgentTask judge : List.of(AgentTask.JUDGE_HALLUCINATION, AgentTask.JUDGE_CONSISTENCY,
                AgentTask.JUDGE_TOOL_RESPONSE, AgentTask.JUDGE_REPETITIVE)) {
            final JudgePrompt prompt = new JudgePrompt(version, judge);
            tasks.put(judge, new Task<>(Sample.class, prompt::messages, prompt::parse));
        }
        final Set<AgentTask> prompted = EnumSet.complementOf(EnumSet.of(AgentTask.SCORE_COMPLEXITY));
        if (!tasks.keySet().equals(prompted)) {
            final Set<AgentTask> missing = EnumSet.copyOf(prompted);
            missing.removeAll(tasks.keySet());
            throw new IllegalStateException("openai backend has no prompt for " + missing);
        }
        return Collections.unmodifiableMap(tasks);
    }

    /** The tasks this backend has prompt templates for: all of them. */
    public static Set<AgentTask> supportedTasks() {
        return SUPPORTED;
    }

    /**
     * The {@code seed} sent for a request: a hash of its correlation id and step plus its sample
     * index, so the samples of one step differ from each other and a repeat of the request does not.
     * Kept to 31 bits, as some servers (llama.cpp) read the seed as a 32-bit integer.
     */
    static long seed(final LlmRequest request) {
        final long step = ContentHash.seed(request.getCorrelationId(), Integer.toString(request.getStep()));
        return Math.floorMod(step + request.getSampleIndex(), (long) Integer.MAX_VALUE);
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
    public String parameters() {
        final OpenAiEndpoint endpoint = client.endpoint();
        return "temperature=" + endpoint.temperature() + ",maxTokens=" + endpoint.maxTokens() + ",json="
                + endpoint.jsonMode();
    }

    /**
     * Builds the prompt and sends the call on the client's preparing threads, not the caller's: the caller is
     * the gateway's one thread, which at a thousand calls in flight has a few hundred microseconds per call for
     * everything else it does.
     */
    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        final long started = System.nanoTime();
        return CompletableFuture.completedFuture(request).thenComposeAsync(r -> ask(r, started), client.preparing());
    }

    private CompletableFuture<LlmReply> ask(final LlmRequest request, final long started) {
        if (request.getTask() == AgentTask.SCORE_COMPLEXITY) {
            return scoreComplexity(request, started);
        }
        final Task<?> task = tasks.get(request.getTask());
        final List<ChatMessage> messages;
        try {
            messages = task.messages(request.getPayload());
        } catch (final RuntimeException e) {
            // The request itself is wrong (no functionality, nothing to execute, wrong payload): asking a model would not help.
            return CompletableFuture.completedFuture(failed(request, Failure.REQUEST, e.getMessage(), "", null, started));
        }
        final CompletableFuture<Completion> call;
        try {
            call = client.complete(messages, seed(request));
        } catch (final RuntimeException e) {
            return CompletableFuture.completedFuture(callFailed(request, e, started));
        }
        return call.handle((completion, failure) -> {
            try {
                return failure != null ? callFailed(request, failure, started)
                        : replied(request, task, completion, started);
            } catch (final RuntimeException e) {
                // A bug in mapping must not lose the request: it ends as a failed reply like any other.
                return failed(request, Failure.MAPPING, e.toString(), completion == null ? "" : completion.content(),
                        completion, started);
            }
        });
    }

    private CompletableFuture<LlmReply> scoreComplexity(final LlmRequest request, final long started) {
        final String text;
        try {
            text = ToolSamples.toLine(typed(Sample.class, request.getPayload()), SampleFormat.TOOLACE);
        } catch (final RuntimeException e) {
            return CompletableFuture.completedFuture(failed(request, Failure.REQUEST, e.getMessage(), "", null, started));
        }
        final CompletableFuture<OptionalDouble> loss;
        try {
            loss = tokenLoss.meanLoss(text);
        } catch (final RuntimeException e) {
            return CompletableFuture.completedFuture(callFailed(request, e, started));
        }
        return loss.handle((mean, failure) -> failure != null ? callFailed(request, failure, started)
                : LlmReply.newBuilder()
                        .setRequest(request)
                        .setResult(new ComplexityResult(mean.orElse(-1.0), mean.isPresent(), model()))
                        .setUsage(usage(null, started))
                        .build());
    }

    /** Why a reply carries no result; the metric tag and the words of the reason. */
    private enum Failure {
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

    private LlmReply replied(final LlmRequest request, final Task<?> task, final Completion completion,
            final long started) {
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
            result = task.parse(answer.object(), request.getPayload());
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
        final LlmReply reply = callFailedReply(request, failure, started);
        reply.getUsage().setAttempts(OpenAiClient.attempts(failure));
        return reply;
    }

    private LlmReply callFailedReply(final LlmRequest request, final Throwable failure, final long started) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof OpenAiException) {
            return failed(request, Failure.CALL, cause.getMessage(), ((OpenAiException) cause).bodyExcerpt(), null,
                    started);
        }
        // Transport failures (refused connection, timeout) often have no message: say where and how long.
        final URI url = request.getTask() == AgentTask.SCORE_COMPLEXITY ? client.endpoint().completionsUrl()
                : client.endpoint().chatCompletionsUrl();
        final String reason = cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                + " calling " + url
                + (cause instanceof HttpTimeoutException ? " with timeout " + client.endpoint().requestTimeout() : "");
        return failed(request, Failure.CALL, reason, "", null, started);
    }

    private LlmReply failed(final LlmRequest request, final Failure failure, final String detail, final String raw,
            final Completion completion, final long started) {
        final String reason = "openai " + request.getTask() + " " + failure.words + ": " + detail;
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
                .setAttempts(completion == null ? 1 : completion.attempts())
                .build();
    }

    /** What the backend does per task: the payload it takes, the prompt it sends, the parser of the answer. */
    private record Task<P>(Class<P> payload, Function<P, List<ChatMessage>> prompt, Parser<P> parser) {

        List<ChatMessage> messages(final Object payload) {
            return prompt.apply(typed(payload));
        }

        Object parse(final ObjectNode answer, final Object payload) throws AnswerRejected {
            return parser.parse(answer, typed(payload));
        }

        private P typed(final Object value) {
            return OpenAiBackend.typed(payload, value);
        }
    }

    private static <P> P typed(final Class<P> payload, final Object value) {
        if (!payload.isInstance(value)) {
            throw new IllegalArgumentException("payload is a " + (value == null ? "null" : value.getClass()
                    .getSimpleName()) + ", this task takes a " + payload.getSimpleName());
        }
        return payload.cast(value);
    }

    @FunctionalInterface
    private interface Parser<P> {
        Object parse(ObjectNode answer, P payload) throws AnswerRejected;
    }
}

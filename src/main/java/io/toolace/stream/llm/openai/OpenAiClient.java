package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Non-blocking calls to {@code POST {baseUrl}/chat/completions}, each through the endpoint's
 * {@link EndpointGuard}, which spends its rate budgets, retries what is worth retrying and fails fast
 * while its circuit is open, as the endpoint's {@link EndpointLimits} say.
 *
 * <p>A future completes with the answer, or exceptionally with an {@link OpenAiException} (the
 * server answered, but not with a chat completion, after as many attempts as it says), a
 * {@link RetriesExhaustedException} or {@link CircuitOpenException}, or, when a single attempt was
 * allowed, the transport's own exception (no connection, timeout). {@link #attempts} reads the
 * attempts a failure took.
 */
public final class OpenAiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Enough of an error body to see the server's message, short enough for one log line. */
    private static final int EXCERPT_CHARS = 500;
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Where calls are prepared (prompt, request body), off the caller's thread: a thread per core for the
     * process, as the work is CPU only.
     */
    private static final ExecutorService PREPARING = threads("openai-prepare-", 1);
    /**
     * The JDK client's threads (sending, reading, completing the answers), four per core for the process. Its
     * default pool grows a thread per burst of answers, which at C = 1,000 cost the gateway 0.70 cores instead
     * of 0.49; a pool of one per core, shared with the preparation as it was for a while, held every call in
     * flight longer: 0.51–0.55 of C / latency at C = 128 and 250 ms with the CPU not saturated, against
     * 0.63–0.69 with this pool (two to five runs of each, see BENCHMARKS.md).
     */
    private static final ExecutorService THREADS = threads("openai-client-", 4);

    /** A rough count that errs high for English and JSON; the answer's usage corrects it. */
    private static final int BYTES_PER_TOKEN = 4;

    private final OpenAiEndpoint endpoint;
    private final EndpointGuard guard;
    private final HttpClient http;

    public OpenAiClient(final OpenAiEndpoint endpoint) {
        this.endpoint = endpoint;
        this.guard = EndpointGuard.of(endpoint);
        final Duration connect = endpoint.requestTimeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
                ? endpoint.requestTimeout() : MAX_CONNECT_TIMEOUT;
        this.http = HttpClient.newBuilder()
                // On plain http the JDK client would otherwise try an h2c upgrade on every request,
                // which the usual local servers (uvicorn under vLLM, llama.cpp) do not speak.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connect)
                .executor(THREADS)
                .build();
    }

    private static ExecutorService threads(final String name, final int perCore) {
        final AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(2, perCore * Runtime.getRuntime().availableProcessors()), task -> {
            final Thread thread = new Thread(task, name + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public OpenAiEndpoint endpoint() {
        return endpoint;
    }

    /** Where a call is prepared so that it does not hold its caller: not the threads the answers complete on. */
    Executor preparing() {
        return PREPARING;
    }

    /**
     * Sends the messages with the endpoint's model and sampling settings.
     *
     * @param seed the sampling seed: equal seeds make a server that honours {@code seed} repeat its
     *     answer, different seeds let the samples of one consistency vote differ
     */
    public CompletableFuture<Completion> complete(final List<ChatMessage> messages, final long seed) {
        return exchange(endpoint.chatCompletionsUrl(), body(messages, seed)).thenApply(this::completion);
    }

    /**
     * Posts a JSON body to a URL of this endpoint through its guard, with its timeout and key; a
     * status that is not retried, or the last of a retried one, completes normally.
     */
    CompletableFuture<HttpResponse<String>> post(final URI url, final ObjectNode body) {
        return exchange(url, body).thenApply(EndpointGuard.Outcome::response);
    }

    private CompletableFuture<EndpointGuard.Outcome> exchange(final URI url, final ObjectNode body) {
        final byte[] bytes = bytes(body);
        // An answer may run to max_tokens, and providers charge that against the budget up front too.
        final int estimate = bytes.length / BYTES_PER_TOKEN + body.path("max_tokens").asInt(0);
        return guard.call(estimate, timeout -> {
            final HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (endpoint.hasApiKey()) {
                request.header("Authorization", "Bearer " + endpoint.apiKey());
            }
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        });
    }

    /**
     * The attempts a failed call made: as its exception says, or 1 for a failure that does not
     * count them (a single attempt's transport exception).
     */
    public static int attempts(final Throwable failure) {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof OpenAiException e) {
            return e.attempts();
        }
        if (cause instanceof RetriesExhaustedException e) {
            return e.attempts();
        }
        if (cause instanceof CircuitOpenException e) {
            return e.attempts();
        }
        return 1;
    }

    private ObjectNode body(final List<ChatMessage> messages, final long seed) {
        final ObjectNode body = JSON.createObjectNode()
                .put("model", endpoint.model())
                .put("temperature", endpoint.temperature())
                .put("max_tokens", endpoint.maxTokens())
                .put("seed", seed);
        final ArrayNode list = body.putArray("messages");
        for (final ChatMessage message : messages) {
            list.addObject().put("role", message.role()).put("content", message.content());
        }
        if (endpoint.jsonMode()) {
            body.putObject("response_format").put("type", "json_object");
        }
        return body;
    }

    private static byte[] bytes(final ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a request built from Jackson nodes always serialises", e);
        }
    }

    private Completion completion(final EndpointGuard.Outcome outcome) {
        final HttpResponse<String> response = outcome.response();
        final int attempts = outcome.attempts();
        final int status = response.statusCode();
        final String body = response.body() == null ? "" : response.body();
        if (status < 200 || status > 299) {
            throw new OpenAiException(status, "chat completion failed", excerpt(body), attempts);
        }
        final JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (final JsonProcessingException e) {
            throw new OpenAiException(status, "response body is not JSON", excerpt(body), attempts);
        }
        final JsonNode message = root == null ? null : root.path("choices").path(0).get("message");
        if (message == null || !message.isObject()) {
            throw new OpenAiException(status, "response has no choices[0].message", excerpt(body), attempts);
        }
        final JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !content.isTextual()) {
            throw new OpenAiException(status, "choices[0].message.content is not a string", excerpt(body), attempts);
        }
        final JsonNode usage = root.path("usage");
        return new Completion(
                content == null || content.isNull() ? "" : content.asText(),
                root.path("choices").path(0).path("finish_reason").asText(""),
                usage.path("prompt_tokens").asInt(0),
                usage.path("completion_tokens").asInt(0),
                attempts);
    }

    /** The body's start on one line, with the API key blanked in case a proxy echoes the request. */
    String excerpt(final String body) {
        String text = body.strip().replaceAll("\\s+", " ");
        if (endpoint.hasApiKey()) {
            text = text.replace(endpoint.apiKey(), "<redacted>");
        }
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...";
    }
}

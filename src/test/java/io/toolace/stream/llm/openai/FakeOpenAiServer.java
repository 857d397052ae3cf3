package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server on loopback, for tests: a real HTTP server (the
 * JDK's) on a free port that answers {@code POST /v1/chat/completions} with OpenAI's response
 * JSON. Answers come from a queue of scripted {@link Reply replies}, then from a function of the
 * request; every request is recorded so a test can assert the prompt, model and headers sent.
 * {@code POST /v1/completions} (the legacy endpoint, for echoed log-probabilities) answers from a
 * function of its own, 404 until a test sets one, as a chat-only server does.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /**
     * What the server sends back for one request: status, body, extra response headers, and how long
     * it waits before answering.
     */
    public record Reply(int status, String content, String finishReason, String errorBody, Map<String, String> headers,
            Duration delay) {

        /** HTTP 200 with this assistant message, finished normally. */
        public static Reply answer(final String content) {
            return new Reply(200, content, "stop", "", Map.of(), Duration.ZERO);
        }

        /** HTTP 200 with this assistant message, cut off by {@code max_tokens}. */
        public static Reply truncated(final String content) {
            return new Reply(200, content, "length", "", Map.of(), Duration.ZERO);
        }

        /** An error status with OpenAI's error JSON, e.g. 500 or 429. */
        public static Reply status(final int status, final String message) {
            return new Reply(status, null, null, "{\"error\":{\"message\":\"" + message
                    + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}", Map.of(), Duration.ZERO);
        }

        /** An error status with this exact body. */
        public static Reply statusWithBody(final int status, final String body) {
            return new Reply(status, null, null, body, Map.of(), Duration.ZERO);
        }

        /** HTTP 200 with this exact body, not necessarily a chat completion. */
        public static Reply rawBody(final String body) {
            return new Reply(200, null, null, body, Map.of(), Duration.ZERO);
        }

        /** This reply with one more response header, e.g. {@code Retry-After}. */
        public Reply withHeader(final String name, final String value) {
            final Map<String, String> more = new HashMap<>(headers);
            more.put(name, value);
            return new Reply(status, content, finishReason, errorBody, Map.copyOf(more), delay);
        }

        /** This reply, sent only after the server has waited this long (to make a client time out). */
        public Reply delayedBy(final Duration wait) {
            return new Reply(status, content, finishReason, errorBody, headers, wait);
        }
    }

    /** One request as the server received it, and when ({@link System#nanoTime()}). */
    public record Received(String method, String path, Map<String, List<String>> headers, JsonNode body,
            long receivedNanos) {

        /** The {@code Authorization} header, or {@code null} when none was sent. */
        public String authorization() {
            final List<String> values = headers.get("Authorization");
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String model() {
            return body.path("model").asText();
        }

        /** The {@code seed} sent, or {@code null} when none was. */
        public Long seed() {
            return body.has("seed") ? body.get("seed").asLong() : null;
        }

        /** The content of the message with this role ({@code system}, {@code user}). */
        public String message(final String role) {
            for (final JsonNode message : body.path("messages")) {
                if (role.equals(message.path("role").asText())) {
                    return message.path("content").asText();
                }
            }
            throw new AssertionError("no " + role + " message in " + body);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger served = new AtomicInteger();
    private volatile Function<Received, Reply> fallback =
            request -> Reply.status(500, "fake server: no scripted answer left");
    private volatile Function<Received, Reply> legacy =
            request -> Reply.status(404, "fake server: no /v1/completions here");

    /** Requests are served in parallel, as a real server does, so a delayed reply holds up no other. */
    private final ExecutorService workers = Executors.newCachedThreadPool();

    private FakeOpenAiServer(final HttpServer server) {
        this.server = server;
        server.setExecutor(workers);
    }

    /** Starts a server on a free loopback port. */
    public static FakeOpenAiServer start() {
        try {
            final HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            final FakeOpenAiServer fake = new FakeOpenAiServer(http);
            http.createContext("/v1/chat/completions", fake::handle);
            http.createContext("/v1/completions", fake::handleLegacy);
            http.start();
            return fake;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start the fake OpenAI server", e);
        }
    }

    /** The base URL a client is configured with, e.g. {@code http://127.0.0.1:40123/v1}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/v1";
    }

    /** Queues replies, served in order, one per request. */
    public FakeOpenAiServer enqueue(final Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers with this function once the queue is empty. */
    public FakeOpenAiServer answerWith(final Function<Received, Reply> answers) {
        this.fallback = answers;
        return this;
    }

    /**
     * Answers {@code POST /v1/completions} with this function; a {@link Reply#rawBody} reply is sent
     * as written, so a test states the legacy completion JSON (with or without logprobs) itself.
     */
    public FakeOpenAiServer completionsWith(final Function<Received, Reply> answers) {
        this.legacy = answers;
        return this;
    }

    /** The requests received so far, oldest first. */
    public List<Received> requests() {
        return new ArrayList<>(received);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        serve(exchange, request -> {
            final Reply queued = script.poll();
            return queued != null ? queued : fallback.apply(request);
        });
    }

    private void handleLegacy(final HttpExchange exchange) throws IOException {
        serve(exchange, legacy);
    }

    private void serve(final HttpExchange exchange, final Function<Received, Reply> answers) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"error\":{\"message\":\"method not allowed\"}}");
                return;
            }
            final String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            final JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (final IOException e) {
                send(exchange, 400, "{\"error\":{\"message\":\"request body is not JSON\"}}");
                return;
            }
            final Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime());
            received.add(request);
            final Reply reply = answers.apply(request);
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (reply.content() == null) {
                send(exchange, reply.status(), reply.errorBody());
            } else {
                send(exchange, reply.status(), completion(request, reply));
            }
        } finally {
            exchange.close();
        }
    }

    private String completion(final Received request, final Reply reply) {
        final int promptTokens = request.body().path("messages").findValues("content").stream()
                .mapToInt(c -> words(c.asText())).sum();
        final int completionTokens = words(reply.content());
        final ObjectNode root = JSON.createObjectNode()
                .put("id", "chatcmpl-fake-" + served.incrementAndGet())
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.model());
        final ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", reply.content());
        choice.put("finish_reason", reply.finishReason());
        root.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return root.toString();
    }

    /** A rough token count: real servers count subwords, a test only needs a plausible positive number. */
    private static int words(final String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    private static void send(final HttpExchange exchange, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}

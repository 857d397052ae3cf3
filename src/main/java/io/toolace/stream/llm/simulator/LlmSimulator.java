package io.toolace.stream.llm.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.llm.LlmRequests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible LLM server that plays every agent of the pipeline: {@code POST
 * /v1/chat/completions} answers the openai backend's prompts with valid JSON ({@link
 * SimulatedAgents}), {@code POST /v1/completions} echoes a prompt with plausible log-probabilities,
 * {@code GET /v1/models} lists the model. It has the behaviour a load test needs: a latency
 * distribution, a throughput cap, and injected faults ({@link Fault}).
 *
 * <p>Latency holds no thread: a request is read and answered on a small worker pool, and the
 * response is written later by a scheduler; the exchange stays open in between. So hundreds of
 * calls can be in flight on two cores, as with a real server whose GPUs do the waiting.
 *
 * <p>Reproducible: the fault and latency of the n-th request are drawn from the seed and n, and an
 * answer from the seed, the request's {@code seed} and its prompt. With concurrent clients, which
 * request is the n-th depends on arrival order.
 */
public final class LlmSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("\\s*[\\p{L}\\p{N}]+|\\s*[^\\p{L}\\p{N}\\s]");
    /** Generated tokens a completion returns at most: the simulator is for echoing prompts, not writing. */
    private static final int MAX_GENERATED = 16;
    private static final int BACKLOG = 1024;

    private final SimulatorSettings settings;
    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final PromptReader reader = new PromptReader(LlmRequests.PROMPT_VERSION);
    private final SimulatedAgents agents = new SimulatedAgents(reader);
    private final AtomicLong sequence = new AtomicLong();
    private final Object capLock = new Object();
    private long capWindow;
    private int capCount;

    private LlmSimulator(final SimulatorSettings settings, final HttpServer server) {
        this.settings = settings;
        this.server = server;
        final AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                task -> daemon(task, "llm-simulator-worker-" + threads.incrementAndGet()));
        this.scheduler = Executors.newScheduledThreadPool(2,
                task -> daemon(task, "llm-simulator-timer-" + threads.incrementAndGet()));
    }

    private static Thread daemon(final Runnable task, final String name) {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Starts listening on the settings' host and port.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static LlmSimulator start(final SimulatorSettings settings) {
        final HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), BACKLOG);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
        final LlmSimulator simulator = new LlmSimulator(settings, server);
        server.createContext("/v1/chat/completions", exchange -> simulator.post(exchange, true));
        server.createContext("/v1/completions", exchange -> simulator.post(exchange, false));
        server.createContext("/v1/models", simulator::models);
        server.setExecutor(simulator.workers);
        server.start();
        LOG.info("llm simulator at {}: latency {}, cap {} requests/s, faults {}", simulator.baseUrl(),
                settings.latency(), settings.maxRequestsPerSecond() == 0 ? "none" : settings.maxRequestsPerSecond(),
                settings.faults());
        return simulator;
    }

    /** The API root to give an OpenAI client, e.g. {@code http://127.0.0.1:8089/v1}. */
    public String baseUrl() {
        return "http://" + settings.host() + ":" + port() + "/v1";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        server.stop(0);
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    // ---- requests ---------------------------------------------------------------------------------------

    private void models(final HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, error("use GET", "invalid_request_error"), null);
            return;
        }
        final ObjectNode body = JSON.createObjectNode().put("object", "list");
        body.putArray("data").addObject().put("id", settings.model()).put("object", "model").put("created", 0)
                .put("owned_by", "toolace-simulator");
        respond(exchange, 200, body, null);
    }

    private void post(final HttpExchange exchange, final boolean chat) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, error("use POST", "invalid_request_error"), null);
            return;
        }
        final JsonNode request;
        try (InputStream in = exchange.getRequestBody()) {
            request = JSON.readTree(in);
        } catch (final IOException e) {
            respond(exchange, 400, error("request body is not JSON: " + e.getMessage(), "invalid_request_error"), null);
            return;
        }
        final long n = sequence.getAndIncrement();
        final SplittableRandom draw = new SplittableRandom(ContentHash.seed(Long.toString(settings.seed()),
                Long.toString(n)));
        final Fault fault = fault(draw);
        final long latency = settings.latency().sample(draw);
        final int waitSeconds = overCap();
        if (waitSeconds > 0 || fault == Fault.RATE_LIMITED) {
            // A limiter refuses at once: the client learns to back off without waiting for a slot.
            respond(exchange, 429, error("Rate limit reached, retry later", "rate_limit_exceeded"),
                    Integer.toString(waitSeconds > 0 ? waitSeconds : settings.retryAfterSeconds()));
            return;
        }
        if (fault == Fault.RESET) {
            exchange.close(); // without response headers, the JDK server closes the connection itself
            return;
        }
        if (fault == Fault.TIMEOUT) {
            scheduler.schedule(exchange::close, settings.timeoutHold().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        final long started = System.nanoTime();
        ObjectNode body;
        int status = 200;
        if (fault == Fault.SERVER_ERROR) {
            status = 500;
            body = error("The server had an error while processing your request.", "server_error");
        } else {
            try {
                body = chat ? chat(request, fault) : completion(request);
            } catch (final IllegalArgumentException e) {
                status = 400;
                body = error(e.getMessage(), "invalid_request_error");
            } catch (final RuntimeException e) {
                // A prompt the agents cannot answer is a simulator bug: show it to the client, keep serving.
                LOG.warn("llm simulator could not answer: {}", e.toString(), e);
                status = 500;
                body = error("simulator could not answer: " + e, "server_error");
            }
        }
        final long remaining = latency - (System.nanoTime() - started) / 1_000_000;
        final int finalStatus = status;
        final ObjectNode finalBody = body;
        scheduler.schedule(() -> respond(exchange, finalStatus, finalBody, null), Math.max(0, remaining),
                TimeUnit.MILLISECONDS);
    }

    private Fault fault(final SplittableRandom draw) {
        final double u = draw.nextDouble();
        double cumulative = 0;
        for (final Fault fault : Fault.values()) {
            cumulative += settings.rate(fault);
            if (u < cumulative) {
                return fault;
            }
        }
        return null;
    }

    /** 0 when the request is within this second's cap, else the seconds until the next window. */
    private int overCap() {
        if (settings.maxRequestsPerSecond() == 0) {
            return 0;
        }
        final long now = System.nanoTime();
        synchronized (capLock) {
            if (now - capWindow >= 1_000_000_000L) {
                capWindow = now;
                capCount = 0;
            }
            if (capCount < settings.maxRequestsPerSecond()) {
                capCount++;
                return 0;
            }
            return (int) Math.max(1, Math.ceil((capWindow + 1_000_000_000L - now) / 1e9));
        }
    }

    // ---- answers ----------------------------------------------------------------------------------------

    private ObjectNode chat(final JsonNode request, final Fault fault) {
        final JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("'messages' must be a non-empty array");
        }
        final String system = message(messages, "system");
        final String user = message(messages, "user");
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(Long.toString(settings.seed()),
                request.path("seed").asText("0"), user));
        final Optional<PromptReader.Prompt> prompt = reader.read(system, user);
        String content = prompt.isPresent() ? write(agents.answer(prompt.get(), rnd))
                : "I only play the agents of the toolace-stream prompt templates; this prompt is not one of them.";
        String finish = "stop";
        if (fault == Fault.MALFORMED) {
            content = content.replace('"', '\'') + ",";
        } else if (fault == Fault.TRUNCATED) {
            content = content.substring(0, content.length() / 2);
            finish = "length";
        }
        final ObjectNode body = envelope("chatcmpl-", "chat.completion", request);
        body.putArray("choices").addObject().put("index", 0).put("finish_reason", finish)
                .putObject("message").put("role", "assistant").put("content", content);
        usage(body, tokens(system) + tokens(user), tokens(content));
        return body;
    }

    private static String message(final JsonNode messages, final String role) {
        for (final JsonNode message : messages) {
            if (role.equals(message.path("role").asText())) {
                return message.path("content").asText("");
            }
        }
        return "";
    }

    /**
     * A legacy completion: with {@code echo}, the prompt's tokens come back with log-probabilities
     * (null for the first, which has no context), as the complexity evaluator reads them.
     */
    private ObjectNode completion(final JsonNode request) {
        final JsonNode promptNode = request.path("prompt");
        final String prompt = promptNode.isArray() ? promptNode.path(0).asText("") : promptNode.asText("");
        final boolean echo = request.path("echo").asBoolean(false);
        final boolean logprobs = request.hasNonNull("logprobs");
        final int generated = Math.min(MAX_GENERATED, Math.max(0, request.path("max_tokens").asInt(MAX_GENERATED)));
        final ArrayNode tokens = JSON.createArrayNode();
        final ArrayNode logs = JSON.createArrayNode();
        final ArrayNode offsets = JSON.createArrayNode();
        final StringBuilder text = new StringBuilder();
        int promptTokens = 0;
        if (echo) {
            final Matcher token = TOKEN.matcher(prompt);
            String previous = null;
            while (token.find()) {
                addToken(token.group(), previous, tokens, logs, offsets, text);
                previous = token.group();
                promptTokens++;
            }
        } else {
            promptTokens = tokens(prompt);
        }
        for (int i = 0; i < generated; i++) {
            addToken(i == 0 ? " Okay" : " ok", i == 0 ? prompt : " Okay", tokens, logs, offsets, text);
        }
        final ObjectNode body = envelope("cmpl-", "text_completion", request);
        final ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("text", text.toString())
                .put("finish_reason", "length");
        if (logprobs) {
            final ObjectNode lp = choice.putObject("logprobs");
            lp.set("tokens", tokens);
            lp.set("token_logprobs", logs);
            lp.putNull("top_logprobs");
            lp.set("text_offset", offsets);
        } else {
            choice.putNull("logprobs");
        }
        usage(body, promptTokens, generated);
        return body;
    }

    /** A token with a log-probability drawn from it and its predecessor: common pairs cost little, most a few nats. */
    private static void addToken(final String token, final String previous, final ArrayNode tokens, final ArrayNode logs,
            final ArrayNode offsets, final StringBuilder text) {
        offsets.add(text.length());
        text.append(token);
        tokens.add(token);
        if (previous == null) {
            logs.addNull();
        } else {
            final double u = new SplittableRandom(ContentHash.seed(previous, token)).nextDouble();
            logs.add(-(0.05 + 6 * u * u));
        }
    }

    private ObjectNode envelope(final String idPrefix, final String object, final JsonNode request) {
        return JSON.createObjectNode()
                .put("id", idPrefix + Long.toHexString(sequence.get()))
                .put("object", object)
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.path("model").asText(settings.model()));
    }

    private static void usage(final ObjectNode body, final int prompt, final int completion) {
        body.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /** About four characters a token, as for English text with common tokenizers. */
    private static int tokens(final String text) {
        return (text.length() + 3) / 4;
    }

    private static ObjectNode error(final String message, final String type) {
        final ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).putNull("param").putNull("code");
        return body;
    }

    private static void respond(final HttpExchange exchange, final int status, final ObjectNode body,
            final String retryAfter) {
        try (exchange) {
            final byte[] bytes = write(body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (final IOException e) {
            // The client gave up first (its timeout): nobody is left to tell.
            LOG.debug("llm simulator: response not delivered: {}", e.toString());
        }
    }

    private static String write(final JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}

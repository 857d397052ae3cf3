package io.toolace.stream.llm.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to call one OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp
 * server, TGI, OpenAI, Azure). {@link #toString()} never shows the API key, so an endpoint can be
 * logged or put in an error message as it is.
 *
 * @param baseUrl the API root including its version path, e.g. {@code http://127.0.0.1:8000/v1}
 * @param model the model name the server expects in {@code model}
 * @param apiKey the bearer token; empty when the server needs none (most local servers)
 * @param requestTimeout how long one call may take, from sending to the last byte of the answer
 * @param temperature sampling temperature
 * @param maxTokens the most tokens one answer may have
 * @param jsonMode whether to send {@code response_format: {"type": "json_object"}}; turn it off for
 *     servers that reject the field
 * @param name what logs and metrics call the endpoint (tag {@code endpoint})
 * @param limits rate limits, retries and circuit breaker of every call to it
 */
public record OpenAiEndpoint(URI baseUrl, String model, String apiKey, Duration requestTimeout,
        double temperature, int maxTokens, boolean jsonMode, String name, EndpointLimits limits) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final double DEFAULT_TEMPERATURE = 0.7;
    public static final int DEFAULT_MAX_TOKENS = 2048;

    public OpenAiEndpoint {
        if (baseUrl == null || baseUrl.getScheme() == null || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("base URL must be an absolute http(s) URL, e.g. "
                    + "http://127.0.0.1:8000/v1; got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be set: the server needs it to pick the model");
        }
        apiKey = apiKey == null ? "" : apiKey.strip();
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max tokens must be positive, got " + maxTokens);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("endpoint name must be set: logs and metrics name it");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must be set; EndpointLimits.NONE has none");
        }
    }

    /**
     * An endpoint without API key and with the default timeout, temperature, max tokens and JSON
     * mode, named after its host and port, with {@link EndpointLimits#NONE}: one attempt per call and
     * no limits until {@link #withLimits} sets some.
     */
    public static OpenAiEndpoint of(final String baseUrl, final String model) {
        final URI url;
        try {
            url = new URI(baseUrl);
        } catch (final URISyntaxException e) {
            throw new IllegalArgumentException("base URL must be an absolute http(s) URL, e.g. "
                    + "http://127.0.0.1:8000/v1; got " + baseUrl + " (" + e.getReason() + ")", e);
        }
        return new OpenAiEndpoint(url, model, "", DEFAULT_TIMEOUT, DEFAULT_TEMPERATURE, DEFAULT_MAX_TOKENS, true,
                url.getAuthority() == null ? baseUrl : url.getAuthority(), EndpointLimits.NONE);
    }

    public OpenAiEndpoint withApiKey(final String key) {
        return new OpenAiEndpoint(baseUrl, model, key, requestTimeout, temperature, maxTokens, jsonMode, name, limits);
    }

    public OpenAiEndpoint withRequestTimeout(final Duration timeout) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, timeout, temperature, maxTokens, jsonMode, name, limits);
    }

    public OpenAiEndpoint withTemperature(final double value) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, requestTimeout, value, maxTokens, jsonMode, name, limits);
    }

    public OpenAiEndpoint withMaxTokens(final int value) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, requestTimeout, temperature, value, jsonMode, name, limits);
    }

    public OpenAiEndpoint withJsonMode(final boolean value) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, requestTimeout, temperature, maxTokens, value, name, limits);
    }

    public OpenAiEndpoint withName(final String value) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, requestTimeout, temperature, maxTokens, jsonMode, value,
                limits);
    }

    public OpenAiEndpoint withLimits(final EndpointLimits value) {
        return new OpenAiEndpoint(baseUrl, model, apiKey, requestTimeout, temperature, maxTokens, jsonMode, name,
                value);
    }

    /**
     * The API key held by the environment variable {@code name}, empty when it is unset, so a
     * Helm secret mapped to an environment variable never passes through the command line.
     */
    public static String apiKeyFromEnv(final String name) {
        final String value = System.getenv(name);
        return value == null ? "" : value.strip();
    }

    /**
     * The API key in a file (a mounted Kubernetes secret), surrounding whitespace removed.
     *
     * @throws UncheckedIOException naming the file, never its content
     */
    public static String apiKeyFromFile(final Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the API key file " + file, e);
        }
    }

    /** The chat-completions URL: the base URL with {@code /chat/completions} appended. */
    public URI chatCompletionsUrl() {
        return under("/chat/completions");
    }

    /** The legacy completions URL, the one that can echo the prompt's log-probabilities. */
    public URI completionsUrl() {
        return under("/completions");
    }

    private URI under(final String path) {
        final String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    public boolean hasApiKey() {
        return !apiKey.isEmpty();
    }

    @Override
    public String toString() {
        return "OpenAiEndpoint[name=" + name + ", baseUrl=" + baseUrl + ", model=" + model
                + ", apiKey=" + (hasApiKey() ? "<redacted>" : "<none>")
                + ", requestTimeout=" + requestTimeout + ", temperature=" + temperature
                + ", maxTokens=" + maxTokens + ", jsonMode=" + jsonMode + ", limits=" + limits + "]";
    }
}

package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The complexity evaluator's measure (ToolACE, SDG): the mean token loss of a model on a sample,
 * H = −(1/n)·Σ log p(t_i | t_&lt;i), read from the prompt log-probabilities that the legacy
 * completions endpoint echoes ({@code POST {baseUrl}/completions} with {@code echo: true,
 * logprobs: 1}), as vLLM and OpenAI's completion models serve them.
 *
 * <p>The result is empty when the server gives no prompt log-probabilities: no completions endpoint
 * (404), the parameters refused (400), no {@code choices[0].logprobs.token_logprobs} in the answer,
 * or fewer entries than prompt tokens (llama.cpp's server returns only the generated token's). That
 * is the caller's signal to fall back to a proxy measure. Other failures (5xx, 429, transport)
 * complete the future exceptionally, like {@link OpenAiClient}: they say nothing about the server's
 * abilities, and the caller may retry.
 *
 * <p>{@code max_tokens: 0} asks for the prompt alone; servers that refuse 0 (vLLM rejects
 * {@code max_tokens < 1}) are asked again with 1, the generated token is cut off, and later calls
 * ask with 1 straight away. Thread-safe.
 */
public final class TokenLoss {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiClient client;
    /** Set once the server has refused {@code max_tokens: 0}, so later calls skip the failing attempt. */
    private final AtomicBoolean zeroRefused = new AtomicBoolean();

    public TokenLoss(final OpenAiEndpoint endpoint) {
        this.client = new OpenAiClient(endpoint);
    }

    /**
     * The mean negative log-probability per token of {@code text} under the endpoint's model, in
     * nats; the first token, which has no context and so no log-probability, is left out.
     */
    public CompletableFuture<OptionalDouble> meanLoss(final String text) {
        if (zeroRefused.get()) {
            return ask(text, 1);
        }
        return ask(text, 0).thenCompose(loss -> loss == null ? ask(text, 1) : CompletableFuture.completedFuture(loss));
    }

    /** The loss, empty when the server has none to give, or null when it refused {@code max_tokens: 0}. */
    private CompletableFuture<OptionalDouble> ask(final String text, final int maxTokens) {
        final ObjectNode body = JSON.createObjectNode()
                .put("model", client.endpoint().model())
                .put("prompt", text)
                .put("max_tokens", maxTokens)
                .put("echo", true)
                .put("logprobs", 1);
        return client.post(client.endpoint().completionsUrl(), body).thenApply(response -> {
            final int status = response.statusCode();
            if (status == 400 && maxTokens == 0) {
                zeroRefused.set(true);
                return null;
            }
            if (status == 400 || status == 404) {
                return OptionalDouble.empty();
            }
            if (status < 200 || status > 299) {
                throw new OpenAiException(status, "completion with echoed log-probabilities failed",
                        client.excerpt(body(response)));
            }
            return loss(response, maxTokens);
        });
    }

    private OptionalDouble loss(final HttpResponse<String> response, final int generated) {
        final JsonNode root;
        try {
            root = JSON.readTree(body(response));
        } catch (final JsonProcessingException e) {
            throw new OpenAiException(response.statusCode(), "response body is not JSON", client.excerpt(body(response)));
        }
        final JsonNode logprobs = root == null ? null : root.path("choices").path(0).path("logprobs").get("token_logprobs");
        if (logprobs == null || !logprobs.isArray()) {
            return OptionalDouble.empty();
        }
        final int promptTokens = root.path("usage").path("prompt_tokens").asInt(0);
        final int prompt = promptTokens > 0 ? promptTokens : logprobs.size() - generated;
        if (prompt <= 1 || logprobs.size() < prompt) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < prompt; i++) {
            final JsonNode logprob = logprobs.get(i);
            if (logprob.isNumber()) {
                sum += logprob.asDouble();
                counted++;
            }
        }
        return counted == 0 ? OptionalDouble.empty() : OptionalDouble.of(-sum / counted);
    }

    private static String body(final HttpResponse<String> response) {
        return response.body() == null ? "" : response.body();
    }
}

package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.openai.EndpointLimits;
import io.toolace.stream.llm.PriceTable;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.routing.LlmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which LLM backend the gateway of this process asks. Each option also reads a {@code TOOLACE_LLM_*}
 * environment variable; the API key is read from the environment variable named by
 * {@code --api-key-env} or from {@code --api-key-file}, never from the command line, so it stays out
 * of shell history and process listings.
 */
public final class BackendOptions {

    @Option(names = "--backend", defaultValue = "${env:TOOLACE_LLM_BACKEND:-procedural}",
            description = "procedural (embedded, deterministic) or openai (any OpenAI-compatible endpoint) (env TOOLACE_LLM_BACKEND, default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--base-url", defaultValue = "${env:TOOLACE_LLM_BASE_URL}",
            description = "openai: the API base URL, e.g. http://127.0.0.1:8000/v1 (env TOOLACE_LLM_BASE_URL).")
    String baseUrl;

    @Option(names = "--model", defaultValue = "${env:TOOLACE_LLM_MODEL}",
            description = "openai: the model name (env TOOLACE_LLM_MODEL).")
    String model;

    @Option(names = "--api-key-env", defaultValue = "${env:TOOLACE_LLM_API_KEY_ENV:-OPENAI_API_KEY}",
            description = "openai: the environment variable holding the API key; unset or empty sends none (default: ${DEFAULT-VALUE}).")
    String apiKeyEnv;

    @Option(names = "--api-key-file", defaultValue = "${env:TOOLACE_LLM_API_KEY_FILE}",
            description = "openai: a file holding the API key (a mounted secret); wins over --api-key-env (env TOOLACE_LLM_API_KEY_FILE).")
    Path apiKeyFile;

    @Option(names = "--llm-timeout", defaultValue = "${env:TOOLACE_LLM_TIMEOUT:-PT60S}",
            description = "openai: timeout of one request, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--temperature", defaultValue = "${env:TOOLACE_LLM_TEMPERATURE:-0.7}",
            description = "openai: sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-tokens", defaultValue = "${env:TOOLACE_LLM_MAX_TOKENS:-2048}",
            description = "openai: most tokens of one answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--llm-config", defaultValue = "${env:TOOLACE_LLM_CONFIG}",
            description = "openai: a YAML file of named endpoints, their limits and the route of each task; replaces --base-url and --model (env TOOLACE_LLM_CONFIG).")
    Path llmConfig;

    @Option(names = "--no-json-mode",
            description = "openai: do not send response_format json_object (for servers that refuse it); answers are still parsed as JSON.")
    boolean noJsonMode;

    @Option(names = "--prices", defaultValue = "${env:TOOLACE_LLM_PRICES}", paramLabel = "FILE",
            description = "USD per million tokens of each model, YAML: 'gpt-4o-mini: {prompt: 0.15, completion: 0.60}'"
                    + " (env TOOLACE_LLM_PRICES). Models without a price cost 0.")
    Path pricesFile;

    @Option(names = "--price", paramLabel = "MODEL=PROMPT,COMPLETION",
            description = "USD per million prompt and completion tokens of a model; repeatable, wins over --prices.")
    List<String> price = List.of();

    @Option(names = "--llm-cache-entries", defaultValue = "${env:TOOLACE_LLM_CACHE_ENTRIES:-100000}",
            description = "Answers the gateway keeps in memory to answer a repeated request without a call; the least"
                    + " recently used beyond it are paid for again; 0 turns the cache off (default: ${DEFAULT-VALUE}).")
    int cacheEntries;

    /** The price table of --prices and --price. */
    PriceTable prices() {
        PriceTable table = pricesFile == null ? PriceTable.NONE : PriceTable.load(pricesFile);
        for (final String assignment : price) {
            table = table.with(assignment);
        }
        return table;
    }

    /** The backend the options name, for the config's procedural seed and fault rate. */
    LlmBackend create(final PipelineConfig config) {
        if (llmConfig != null && !"openai".equals(backend)) {
            throw new IllegalArgumentException("--llm-config configures openai endpoints: add --backend openai");
        }
        switch (backend) {
            case "procedural":
                return Pipeline.proceduralBackend(config);
            case "openai":
                if (llmConfig != null) {
                    if (baseUrl != null && !baseUrl.isBlank() || model != null && !model.isBlank()) {
                        throw new IllegalArgumentException("--llm-config names the endpoints; drop --base-url and"
                                + " --model (or TOOLACE_LLM_BASE_URL and TOOLACE_LLM_MODEL)");
                    }
                    return LlmConfig.load(llmConfig, new LlmConfig.Defaults(timeout, temperature, maxTokens, !noJsonMode))
                            .backend(OpenAiBackend::new);
                }
                if (baseUrl == null || baseUrl.isBlank() || model == null || model.isBlank()) {
                    throw new IllegalArgumentException("--backend openai needs --base-url and --model"
                            + " (or TOOLACE_LLM_BASE_URL and TOOLACE_LLM_MODEL)");
                }
                final String key = apiKeyFile != null ? OpenAiEndpoint.apiKeyFromFile(apiKeyFile)
                        : OpenAiEndpoint.apiKeyFromEnv(apiKeyEnv);
                return new OpenAiBackend(OpenAiEndpoint.of(baseUrl, model)
                        .withApiKey(key)
                        .withRequestTimeout(timeout)
                        .withTemperature(temperature)
                        .withMaxTokens(maxTokens)
                        .withJsonMode(!noJsonMode)
                        .withLimits(EndpointLimits.DEFAULTS));
            default:
                throw new IllegalArgumentException("no backend '" + backend + "'; backends are procedural and openai");
        }
    }
}

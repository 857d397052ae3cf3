package io.toolace.stream.llm.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.openai.EndpointGuard;
import io.toolace.stream.llm.openai.EndpointLimits;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.records.AgentTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Several named OpenAI-compatible endpoints and the route of each task, read from a YAML file:
 *
 * <pre>
 * endpoints:
 *   strong:   {base-url: http://gpu-1:8000/v1, model: Qwen2.5-72B-Instruct, rpm: 600, max-concurrency: 128, weight: 3}
 *   strong-2: {base-url: http://gpu-2:8000/v1, model: Qwen2.5-72B-Instruct, weight: 1}
 *   cheap:    {base-url: https://api.openai.com/v1, model: gpt-4o-mini, api-key-file: /run/secrets/openai}
 * routes:
 *   default: [strong, strong-2]
 *   JUDGE_HALLUCINATION: [cheap]
 * </pre>
 *
 * <p>A route is a task name or {@code default}, and lists endpoints whose {@code weight}s share its
 * calls; without {@code routes} every task goes to all endpoints. The key comes from the variable
 * named by {@code api-key-env} or the file {@code api-key-file}, never from the YAML itself. Every
 * mistake (an unknown key, endpoint or task, a missing {@code base-url}) fails with the file and
 * the place, before any call is made.
 */
public final class LlmConfig {

    /** Settings an endpoint takes from the command line when its YAML leaves them out. */
    public record Defaults(Duration timeout, double temperature, int maxTokens, boolean jsonMode) {}

    /** One endpoint as configured: its connection and limits, and its share of a route. */
    record Endpoint(OpenAiEndpoint endpoint, int weight) {}

    static final String DEFAULT_ROUTE = "default";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_KEYS = Set.of("endpoints", "routes");
    private static final Set<String> ENDPOINT_KEYS = Set.of("base-url", "model", "api-key-env", "api-key-file", "weight",
            "rpm", "tpm", "max-concurrency", "successes-per-increase", "max-attempts", "backoff-base", "backoff-max",
            "deadline", "circuit-failures", "circuit-cool-down", "timeout", "temperature", "max-tokens", "json-mode");

    private final Map<String, Endpoint> endpoints;
    private final List<String> defaultRoute;
    private final Map<AgentTask, List<String>> routes;

    private LlmConfig(final Map<String, Endpoint> endpoints, final List<String> defaultRoute,
            final Map<AgentTask, List<String>> routes) {
        this.endpoints = endpoints;
        this.defaultRoute = defaultRoute;
        this.routes = routes;
    }

    /**
     * @throws IllegalArgumentException naming the file and the mistake
     * @throws UncheckedIOException when the file or a key file cannot be read
     */
    public static LlmConfig load(final Path file, final Defaults defaults) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the LLM config " + file, e);
        }
        return parse(text, file.toString(), defaults, System::getenv);
    }

    /** @param env reads an environment variable, null when unset */
    static LlmConfig parse(final String yaml, final String source, final Defaults defaults,
            final UnaryOperator<String> env) {
        final JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("LLM config " + source + " is not YAML: " + e.getOriginalMessage(), e);
        }
        final Errors errors = new Errors(source);
        if (root == null || !root.isObject()) {
            throw errors.at("", "must be a mapping with 'endpoints' and optionally 'routes'");
        }
        unknownKeys(root, TOP_KEYS, "", errors);
        final JsonNode list = root.get("endpoints");
        if (list == null || !list.isObject() || list.isEmpty()) {
            throw errors.at("endpoints", "must name at least one endpoint, e.g. 'endpoints: {local: {base-url:"
                    + " http://127.0.0.1:8000/v1, model: Qwen2.5-7B-Instruct}}'");
        }
        final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        list.fields().forEachRemaining(entry -> endpoints.put(entry.getKey(),
                endpoint(entry.getKey(), entry.getValue(), defaults, env, errors)));
        final JsonNode routeNode = root.get("routes");
        if (routeNode == null) {
            return new LlmConfig(endpoints, List.copyOf(endpoints.keySet()), Map.of());
        }
        if (!routeNode.isObject()) {
            throw errors.at("routes", "must map 'default' or a task name to a list of endpoints");
        }
        List<String> defaultRoute = null;
        final Map<AgentTask, List<String>> routes = new EnumMap<>(AgentTask.class);
        for (final Iterator<Map.Entry<String, JsonNode>> it = routeNode.fields(); it.hasNext();) {
            final Map.Entry<String, JsonNode> entry = it.next();
            final List<String> route = route(entry.getKey(), entry.getValue(), endpoints, errors);
            if (entry.getKey().equals(DEFAULT_ROUTE)) {
                defaultRoute = route;
            } else {
                routes.put(task(entry.getKey(), errors), route);
            }
        }
        if (defaultRoute == null && routes.size() < AgentTask.values().length) {
            throw errors.at("routes", "has no 'default' route for the tasks it does not name ("
                    + Arrays.stream(AgentTask.values()).filter(t -> !routes.containsKey(t)).map(Enum::name)
                            .collect(Collectors.joining(", ")) + ")");
        }
        return new LlmConfig(endpoints, defaultRoute == null ? List.of() : defaultRoute, routes);
    }

    /** The configured endpoints by name, in file order. */
    public Map<String, OpenAiEndpoint> endpoints() {
        final Map<String, OpenAiEndpoint> out = new LinkedHashMap<>();
        endpoints.forEach((name, endpoint) -> out.put(name, endpoint.endpoint()));
        return out;
    }

    /** The endpoints the task goes to. */
    public List<String> route(final AgentTask task) {
        return routes.getOrDefault(task, defaultRoute);
    }

    /**
     * A backend that routes each task to its endpoints, with one backend per endpoint made by
     * {@code backends} (shared by every route that names it).
     */
    public RoutingBackend backend(final Function<OpenAiEndpoint, LlmBackend> backends) {
        final Map<String, LlmBackend> made = new LinkedHashMap<>();
        final Function<List<String>, WeightedPicker<LlmBackend>> picker = names -> new WeightedPicker<>(names.stream()
                .map(name -> {
                    final Endpoint endpoint = endpoints.get(name);
                    final EndpointGuard guard = EndpointGuard.of(endpoint.endpoint());
                    return new WeightedPicker.Replica<>(name, endpoint.weight(),
                            made.computeIfAbsent(name, n -> backends.apply(endpoint.endpoint())), guard::available);
                })
                .toList());
        final Map<AgentTask, WeightedPicker<LlmBackend>> pickers = new EnumMap<>(AgentTask.class);
        routes.forEach((task, names) -> pickers.put(task, picker.apply(names)));
        // Without a default every task has a route of its own, so the fallback is never picked.
        final WeightedPicker<LlmBackend> fallback = defaultRoute.isEmpty() ? pickers.values().iterator().next()
                : picker.apply(defaultRoute);
        return new RoutingBackend(fallback, pickers);
    }

    private static Endpoint endpoint(final String name, final JsonNode node, final Defaults defaults,
            final UnaryOperator<String> env, final Errors errors) {
        final String at = "endpoints." + name;
        if (!node.isObject()) {
            throw errors.at(at, "must be a mapping with at least base-url and model");
        }
        unknownKeys(node, ENDPOINT_KEYS, at, errors);
        final Settings s = new Settings(node, at, errors);
        final String baseUrl = s.text("base-url", null);
        final String model = s.text("model", null);
        if (baseUrl == null) {
            throw errors.at(at, "has no base-url (the API root, e.g. http://127.0.0.1:8000/v1)");
        }
        if (model == null) {
            throw errors.at(at, "has no model (the name the server expects, e.g. Qwen2.5-7B-Instruct)");
        }
        final String keyEnv = s.text("api-key-env", null);
        final String keyFile = s.text("api-key-file", null);
        if (keyEnv != null && keyFile != null) {
            throw errors.at(at, "has both api-key-env and api-key-file; name one");
        }
        final String key = keyFile != null ? OpenAiEndpoint.apiKeyFromFile(Path.of(keyFile))
                : keyEnv != null ? nullToEmpty(env.apply(keyEnv)) : "";
        final EndpointLimits d = EndpointLimits.DEFAULTS;
        final int rpm = s.integer("rpm", d.requestsPerMinute());
        final int tpm = s.integer("tpm", 0);
        final int maxConcurrency = s.integer("max-concurrency", d.maxConcurrency());
        final int successesPerIncrease = s.integer("successes-per-increase", d.successesPerIncrease());
        final int maxAttempts = s.integer("max-attempts", d.maxAttempts());
        final Duration backoffBase = s.duration("backoff-base", d.backoffBase());
        final Duration backoffMax = s.duration("backoff-max", d.backoffMax());
        final Duration deadline = s.duration("deadline", d.deadline());
        final int circuitFailures = s.integer("circuit-failures", d.failuresToOpen());
        final Duration coolDown = s.duration("circuit-cool-down", d.coolDown());
        final Duration timeout = s.duration("timeout", defaults.timeout());
        final double temperature = s.number("temperature", defaults.temperature());
        final int maxTokens = s.integer("max-tokens", defaults.maxTokens());
        final boolean jsonMode = s.bool("json-mode", defaults.jsonMode());
        final int weight = s.integer("weight", 1);
        if (weight <= 0) {
            throw errors.at(at + ".weight", "must be positive, got " + weight);
        }
        try {
            final EndpointLimits limits = d.withRequestsPerMinute(rpm).withTokensPerMinute(tpm)
                    .withMaxConcurrency(maxConcurrency).withSuccessesPerIncrease(successesPerIncrease)
                    .withMaxAttempts(maxAttempts).withBackoff(backoffBase, backoffMax).withDeadline(deadline)
                    .withCircuit(circuitFailures, coolDown);
            return new Endpoint(OpenAiEndpoint.of(baseUrl, model).withName(name).withApiKey(key)
                    .withRequestTimeout(timeout).withTemperature(temperature).withMaxTokens(maxTokens)
                    .withJsonMode(jsonMode).withLimits(limits), weight);
        } catch (final IllegalArgumentException e) {
            // The record constructors' checks (an http(s) base URL, a positive timeout, ...) say what is wrong, not where.
            throw errors.at(at, e.getMessage());
        }
    }

    private static List<String> route(final String name, final JsonNode node, final Map<String, Endpoint> endpoints,
            final Errors errors) {
        final String at = "routes." + name;
        final List<String> route = new ArrayList<>();
        if (node.isTextual()) {
            route.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(element -> route.add(element.asText()));
        } else {
            throw errors.at(at, "must be an endpoint name or a list of them");
        }
        if (route.isEmpty()) {
            throw errors.at(at, "names no endpoint");
        }
        for (final String endpoint : route) {
            if (!endpoints.containsKey(endpoint)) {
                throw errors.at(at, "names unknown endpoint '" + endpoint + "' (endpoints: "
                        + String.join(", ", endpoints.keySet()) + ")");
            }
        }
        if (route.stream().distinct().count() < route.size()) {
            throw errors.at(at, "names an endpoint twice; give it a weight instead");
        }
        return List.copyOf(route);
    }

    private static AgentTask task(final String name, final Errors errors) {
        try {
            return AgentTask.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw errors.at("routes." + name, "is neither 'default' nor a task (tasks: "
                    + Arrays.stream(AgentTask.values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
        }
    }

    private static void unknownKeys(final JsonNode node, final Set<String> known, final String at, final Errors errors) {
        node.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                throw errors.at(at.isEmpty() ? key : at + "." + key, "is not a known key (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        });
    }

    private static String nullToEmpty(final String value) {
        return value == null ? "" : value;
    }

    private record Errors(String source) {

        IllegalArgumentException at(final String place, final String problem) {
            return new IllegalArgumentException("LLM config " + source + (place.isEmpty() ? "" : ": " + place) + " " + problem);
        }
    }

    /** Typed reads of one endpoint's settings, each failing with the key's place. */
    private record Settings(JsonNode node, String at, Errors errors) {

        String text(final String key, final String fallback) {
            final JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isValueNode() || value.asText().isBlank()) {
                throw errors.at(at + "." + key, "must be a non-empty text");
            }
            return value.asText().strip();
        }

        int integer(final String key, final int fallback) {
            final JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                throw errors.at(at + "." + key, "must be a whole number, got '" + value.asText() + "'");
            }
            return value.asInt();
        }

        double number(final String key, final double fallback) {
            final JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isNumber()) {
                throw errors.at(at + "." + key, "must be a number, got '" + value.asText() + "'");
            }
            return value.asDouble();
        }

        boolean bool(final String key, final boolean fallback) {
            final JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw errors.at(at + "." + key, "must be true or false, got '" + value.asText() + "'");
            }
            return value.asBoolean();
        }

        /** An ISO-8601 duration ({@code PT30S}) or a number of seconds. */
        Duration duration(final String key, final Duration fallback) {
            final JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (value.isNumber()) {
                return Duration.ofMillis(Math.round(value.asDouble() * 1000));
            }
            try {
                return Duration.parse(value.asText().strip());
            } catch (final DateTimeParseException e) {
                throw errors.at(at + "." + key, "must be an ISO-8601 duration such as PT30S, or seconds, got '"
                        + value.asText() + "'");
            }
        }
    }
}

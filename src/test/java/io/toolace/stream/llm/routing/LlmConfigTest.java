package io.toolace.stream.llm.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.openai.EndpointLimits;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmConfigTest {

    private static final LlmConfig.Defaults DEFAULTS = new LlmConfig.Defaults(Duration.ofSeconds(60), 0.7, 2048, true);

    private static final String EXAMPLE = """
            endpoints:
              strong: {base-url: http://gpu-1:8000/v1, model: Qwen2.5-72B-Instruct, api-key-env: STRONG_KEY, rpm: 600, tpm: 2000000, max-concurrency: 128, weight: 3}
              strong-2: {base-url: http://gpu-2:8000/v1, model: Qwen2.5-72B-Instruct, weight: 1}
              cheap: {base-url: https://api.openai.com/v1, model: gpt-4o-mini, max-attempts: 3, circuit-cool-down: PT10S, timeout: 20}
            routes:
              default: [strong, strong-2]
              JUDGE_HALLUCINATION: [cheap]
              judge_consistency: cheap
            """;

    @Test
    void exampleIsReadWithDefaultsForWhatItLeavesOut() {
        // When
        final LlmConfig config = parse(EXAMPLE);

        // Then
        final OpenAiEndpoint strong = config.endpoints().get("strong");
        assertThat(strong.name()).isEqualTo("strong");
        assertThat(strong.apiKey()).isEqualTo("sk-strong");
        assertThat(strong.toString()).doesNotContain("sk-strong");
        assertThat(strong.limits()).isEqualTo(EndpointLimits.DEFAULTS.withRequestsPerMinute(600)
                .withTokensPerMinute(2_000_000).withMaxConcurrency(128));
        final OpenAiEndpoint cheap = config.endpoints().get("cheap");
        assertThat(cheap.apiKey()).isEmpty();
        assertThat(cheap.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(cheap.limits().maxAttempts()).isEqualTo(3);
        assertThat(cheap.limits().coolDown()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cheap.maxTokens()).isEqualTo(2048);
        assertThat(config.route(AgentTask.JUDGE_HALLUCINATION)).containsExactly("cheap");
        assertThat(config.route(AgentTask.JUDGE_CONSISTENCY)).containsExactly("cheap");
        assertThat(config.route(AgentTask.ASSISTANT_TURN)).containsExactly("strong", "strong-2");
    }

    @Test
    void backendSendsJudgeTasksToTheJudgeRouteAndSplitsTheRestByWeight() {
        // Given
        final Map<String, List<AgentTask>> answered = new HashMap<>();
        final RoutingBackend backend = parse(EXAMPLE).backend(endpoint -> new Recording(endpoint, answered));

        // When
        for (int i = 0; i < 400; i++) {
            backend.answer(request(AgentTask.ASSISTANT_TURN));
        }
        backend.answer(request(AgentTask.JUDGE_HALLUCINATION));

        // Then
        assertThat(answered.get("cheap")).containsExactly(AgentTask.JUDGE_HALLUCINATION);
        assertThat(answered.get("strong")).hasSize(300);
        assertThat(answered.get("strong-2")).hasSize(100);
        assertThat(backend.model()).isEqualTo("Qwen2.5-72B-Instruct,gpt-4o-mini");
    }

    @Test
    void withoutRoutesEveryTaskGoesToEveryEndpoint() {
        final LlmConfig config = parse("endpoints:\n  a: {base-url: http://a:1/v1, model: m}\n"
                + "  b: {base-url: http://b:1/v1, model: m}\n");

        assertThat(config.route(AgentTask.USER_TURN)).containsExactly("a", "b");
    }

    @Test
    void keyComesFromAFile(@TempDir final Path dir) throws Exception {
        final Path secret = Files.writeString(dir.resolve("key"), "sk-file\n");

        final LlmConfig config = parse("endpoints:\n  a: {base-url: http://a:1/v1, model: m, api-key-file: " + secret + "}\n");

        assertThat(config.endpoints().get("a").apiKey()).isEqualTo("sk-file");
    }

    @Test
    void mistakesAreNamedWithTheirPlace() {
        assertError("routes: {}", "LLM config test.yaml: endpoints must name at least one endpoint");
        assertError("endpoints:\n  a: {model: m}\n", "LLM config test.yaml: endpoints.a has no base-url");
        assertError("endpoints:\n  a: {base-url: http://a/v1}\n", "LLM config test.yaml: endpoints.a has no model");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m, rmp: 5}\n",
                "LLM config test.yaml: endpoints.a.rmp is not a known key (known: api-key-env");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m}\nroutes:\n  default: [a, b]\n",
                "LLM config test.yaml: routes.default names unknown endpoint 'b' (endpoints: a)");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m}\nroutes:\n  JUDGE_EVERYTHING: [a]\n",
                "LLM config test.yaml: routes.JUDGE_EVERYTHING is neither 'default' nor a task (tasks: ");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m}\nroutes:\n  USER_TURN: [a]\n",
                "LLM config test.yaml: routes has no 'default' route for the tasks it does not name (");
        assertError("endpoints:\n  a: {base-url: ftp://a/v1, model: m}\n",
                "LLM config test.yaml: endpoints.a base URL must be an absolute http(s) URL");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m, weight: 0}\n",
                "LLM config test.yaml: endpoints.a.weight must be positive, got 0");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m, deadline: soon}\n",
                "LLM config test.yaml: endpoints.a.deadline must be an ISO-8601 duration such as PT30S, or seconds, got 'soon'");
        assertError("endpoints:\n  a: {base-url: http://a/v1, model: m, max-attempts: 0}\n",
                "LLM config test.yaml: endpoints.a max attempts must be at least 1, got 0");
        assertError("endpoints: [a, b", "LLM config test.yaml is not YAML: ");
    }

    private static void assertError(final String yaml, final String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    private static LlmConfig parse(final String yaml) {
        return LlmConfig.parse(yaml, "test.yaml", DEFAULTS, name -> name.equals("STRONG_KEY") ? "sk-strong" : null);
    }

    private static LlmRequest request(final AgentTask task) {
        final LlmRequest request = new LlmRequest();
        request.setTask(task);
        return request;
    }

    /** Records which endpoint was asked for which task; answers nothing the router needs. */
    private record Recording(OpenAiEndpoint endpoint, Map<String, List<AgentTask>> answered) implements LlmBackend {

        @Override
        public String name() {
            return "openai";
        }

        @Override
        public String model() {
            return endpoint.model();
        }

        @Override
        public CompletableFuture<LlmReply> answer(final LlmRequest request) {
            answered.computeIfAbsent(endpoint.name(), n -> new ArrayList<>()).add(request.getTask());
            return CompletableFuture.completedFuture(new LlmReply());
        }
    }
}

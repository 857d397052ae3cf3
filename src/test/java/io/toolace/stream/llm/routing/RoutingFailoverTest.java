package io.toolace.stream.llm.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.CountingMeters;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.simulator.Fault;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.LlmReply;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas of one route, real HTTP on loopback: the simulator, and a port where nothing listens. */
class RoutingFailoverTest {

    private static final LlmConfig.Defaults DEFAULTS = new LlmConfig.Defaults(Duration.ofSeconds(10), 0.7, 512, true);

    @BeforeAll
    static void meters() {
        CountingMeters.ensure();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<LlmReply> ask(final RoutingBackend backend, final int count) {
        final List<CompletableFuture<LlmReply>> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            replies.add(backend.answer(LlmRequests.of(AgentTask.USER_TURN, "replies", "d-" + i, 0, 0, "dialog",
                    StageFixtures.draft("d-" + i, 0), 1_000)));
        }
        return replies.stream().map(CompletableFuture::join).toList();
    }

    private static double failovers(final String from) {
        return Metrics.globalRegistry.find("toolace.llm.failover").tag("from", from).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static RoutingBackend backend(final String first, final String second) {
        return LlmConfig.parse("endpoints:\n"
                + "  " + first + "\n"
                + "  " + second + "\n", "failover.yaml", DEFAULTS, name -> null).backend(OpenAiBackend::new);
    }

    @Test
    void aCallTheDeadReplicaCouldNotAnswerIsAnsweredByTheOther() throws Exception {
        try (LlmSimulator live = LlmSimulator.start(SimulatorSettings.builder().port(0).model("sim")
                .latency(Latency.fixed(5)).build())) {
            // Given a route whose first replica refuses connections
            final RoutingBackend backend = backend(
                    "dead-1: {base-url: http://127.0.0.1:" + closedPort() + "/v1, model: sim, max-attempts: 2,"
                            + " backoff-base: PT0.01S, circuit-failures: 1000}",
                    "live-1: {base-url: " + live.baseUrl() + ", model: sim}");
            final double before = failovers("dead-1");

            // When 20 calls are spread over both
            final List<LlmReply> replies = ask(backend, 20);

            // Then every call was answered, those sent to the dead replica (its circuit kept closed, so every other
            // one) by the live one, and their usage counts the dead replica's two attempts too
            assertThat(replies).allSatisfy(reply -> assertThat(reply.getError()).isNull());
            assertThat(failovers("dead-1") - before).isEqualTo(10);
            assertThat(replies).filteredOn(reply -> reply.getUsage().getAttempts() == 3).hasSize(10);
            backend.close();
        }
    }

    @Test
    void anAnswerTheModelGaveIsNotAskedAgainElsewhereEvenWhenUnusable() throws Exception {
        try (LlmSimulator garbled = LlmSimulator.start(SimulatorSettings.builder().port(0).model("sim")
                        .latency(Latency.fixed(5)).fault(Fault.MALFORMED, 1.0).build());
                LlmSimulator live = LlmSimulator.start(SimulatorSettings.builder().port(0).model("sim")
                        .latency(Latency.fixed(5)).build())) {
            final RoutingBackend backend = backend("garbled-1: {base-url: " + garbled.baseUrl() + ", model: sim}",
                    "live-2: {base-url: " + live.baseUrl() + ", model: sim}");

            final List<LlmReply> replies = ask(backend, 20);

            // Then the garbled answers were paid for once and end as errors with their reason, not failed over
            assertThat(replies).filteredOn(reply -> reply.getError() != null).hasSize(10)
                    .allSatisfy(reply -> assertThat(reply.getError()).contains("answer rejected"));
            assertThat(failovers("garbled-1")).isZero();
            backend.close();
        }
    }
}

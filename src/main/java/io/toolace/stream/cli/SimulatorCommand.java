package io.toolace.stream.cli;

import io.toolace.stream.llm.simulator.Fault;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the LLM simulator until Ctrl-C: an OpenAI-compatible server that plays every agent, for
 * load tests and for runs without a model ({@code run --backend openai --base-url <printed URL>}).
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {"Serve a simulated OpenAI-compatible LLM that answers every agent task, until Ctrl-C.",
                "Point `run --backend openai --base-url URL --model toolace-sim` at the printed URL."})
public final class SimulatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8089", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", defaultValue = SimulatorSettings.DEFAULT_MODEL,
            description = "Model name /v1/models lists (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--latency", defaultValue = "250", paramLabel = "MS|MIN..MAX|lognormal:MEDIAN,P99",
            description = "Answer latency in ms: fixed, uniform, or log-normal (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--max-rps", defaultValue = "0",
            description = "Requests admitted per second; beyond it 429 with Retry-After; 0 for no cap (default: ${DEFAULT-VALUE}).")
    int maxRps;

    @Option(names = "--rate-limit-rate", defaultValue = "0", description = "Share of requests answered 429 with Retry-After (default: ${DEFAULT-VALUE}).")
    double rateLimited;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of requests answered 500 (default: ${DEFAULT-VALUE}).")
    double serverError;

    @Option(names = "--timeout-rate", defaultValue = "0", description = "Share of requests never answered before --timeout-hold (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--reset-rate", defaultValue = "0", description = "Share of connections closed without a response (default: ${DEFAULT-VALUE}).")
    double reset;

    @Option(names = "--malformed-rate", defaultValue = "0", description = "Share of answers whose content is not valid JSON (default: ${DEFAULT-VALUE}).")
    double malformed;

    @Option(names = "--truncated-rate", defaultValue = "0", description = "Share of answers cut in half, finish_reason length (default: ${DEFAULT-VALUE}).")
    double truncated;

    @Option(names = "--retry-after", defaultValue = "1", description = "Retry-After seconds of an injected 429 (default: ${DEFAULT-VALUE}).")
    int retryAfter;

    @Option(names = "--timeout-hold", defaultValue = "PT5M", description = "How long a timed-out request is held before its connection closes (default: ${DEFAULT-VALUE}).")
    Duration timeoutHold;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of faults, latencies and answers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        final SimulatorSettings settings = SimulatorSettings.builder()
                .host(host).port(port).model(model).latency(Latency.parse(latency)).maxRequestsPerSecond(maxRps)
                .fault(Fault.RATE_LIMITED, rateLimited).fault(Fault.SERVER_ERROR, serverError)
                .fault(Fault.TIMEOUT, timeout).fault(Fault.RESET, reset).fault(Fault.MALFORMED, malformed)
                .fault(Fault.TRUNCATED, truncated).retryAfterSeconds(retryAfter).timeoutHold(timeoutHold).seed(seed)
                .build();
        try (ShutdownSignal stop = new ShutdownSignal();
                LlmSimulator simulator = LlmSimulator.start(settings)) {
            final PrintWriter out = spec.commandLine().getOut();
            out.println(simulator.baseUrl());
            out.flush();
            stop.await();
        }
        return 0;
    }
}

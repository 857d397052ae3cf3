package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;

/**
 * {@code bench e2e-simulated}: the whole pipeline as {@code run --backend openai} starts it (every stage, the
 * gateway, exactly-once, three assistant votes) against the LLM simulator over loopback HTTP, so the gateway pays
 * real HTTP round trips and waits the simulator's latency. At steady state it measures verified dialogs/s, the CPU
 * of the gateway's threads and of the process, and the heap after a GC; then it joins {@code llm.usage} to
 * {@code dialog.outcomes} ({@link CostPerSample}) for the calls and tokens each verified dialog cost, by type.
 * With {@code procedural} it measures the same on the procedural backend, which reports no tokens.
 */
final class SimulatedBench {

    /** What the scenario asks of the LLM. */
    enum Llm {
        SIMULATOR, PROCEDURAL;

        static Llm of(final String name) {
            for (final Llm llm : values()) {
                if (llm.name().equalsIgnoreCase(name)) {
                    return llm;
                }
            }
            throw new IllegalArgumentException("--llm is simulator or procedural, got '" + name + "'");
        }
    }

    /** Where the result goes besides the console. */
    interface JsonSink {
        void append(ObjectNode result) throws Exception;
    }

    private final PrintWriter out;
    private final Llm llm;
    private final int partitions;
    private final int concurrency;
    private final Latency latency;
    private final long warmupSamples;
    private final Duration poolSettle;
    private final Duration window;
    private final Duration timeout;
    private final JsonSink json;

    SimulatedBench(final PrintWriter out, final Llm llm, final int partitions, final int concurrency,
            final Latency latency, final long warmupSamples, final Duration poolSettle, final Duration window,
            final Duration timeout, final JsonSink json) {
        this.out = out;
        this.llm = llm;
        this.partitions = partitions;
        this.concurrency = concurrency;
        this.latency = latency;
        this.warmupSamples = warmupSamples;
        this.poolSettle = poolSettle;
        this.window = window;
        this.timeout = timeout;
        this.json = json;
    }

    int run(final Path dataDir) throws Exception {
        final boolean simulated = llm == Llm.SIMULATOR;
        // As run sets it for each backend: a sampled model's assistant actions are voted on, the procedural one's
        // are deterministic.
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions)
                .gatewayConcurrency(concurrency).assistantVotes(simulated ? 3 : 1).build();
        final double meanLatencyMs = meanMs(latency);
        final double bound = concurrency * 1000.0 / meanLatencyMs;
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", "e2e-simulated").put("at", Instant.now().toString())
                .put("llm", llm.name().toLowerCase(java.util.Locale.ROOT))
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("concurrency", concurrency).put("assistantVotes", config.assistantVotes())
                .put("latency", simulated ? latency.toString() : "none").put("warmupSamples", warmupSamples)
                .put("poolSettleSeconds", poolSettle.toSeconds())
                .put("windowSeconds", window.toSeconds());
        final long started = System.nanoTime();
        try (LlmSimulator simulator = simulated ? LlmSimulator.start(SimulatorSettings.builder().port(0)
                        .latency(latency).build()) : null;
                Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES), Duration.ofMinutes(2),
                        backend(simulator, config));
                SteadyState steady = new SteadyState(pipeline, out, started, timeout)) {
            final SteadyState.Window w = steady.measure(warmupSamples, poolSettle, -1, window, null);
            final double seconds = w.seconds();
            final double gatewayCpu = BenchCommand.cpuSeconds(w.threadsBefore(), w.threadsAfter(),
                    SimulatedBench::isGatewayThread);
            final long heapMb = HeapAfterGc.megabytes();
            final CostPerSample.Report cost = cost(pipeline);
            final CostPerSample.Row all = cost.total();
            result.put("measured", w.measured()).put("verified", w.verified()).put("seconds", round(seconds))
                    .put("verifiedPerSecond", round(w.verifiedPerSecond())).put("warmupSeconds", round(w.warmupSeconds()))
                    .put("poolApis", steady.poolSize()).put("poolGrowthInWindow", steady.poolSize() - w.poolBefore())
                    .put("callsPerSecondBound", simulated ? round(bound) : 0)
                    .put("gatewayCpuCores", Math.round(gatewayCpu / seconds * 1000) / 1000.0)
                    .put("processCpuCores", round(w.cpuSeconds() / seconds))
                    .put("cpuMillisPerVerified", round(w.cpuMillisPerVerified()))
                    .put("heapUsedMbAfterGc", heapMb)
                    .put("callsPerVerified", round(all.callsPerVerified()))
                    .put("promptTokensPerVerified", round(all.promptTokensPerVerified()))
                    .put("completionTokensPerVerified", round(all.completionTokensPerVerified()))
                    .put("rejectedCallShare", Math.round(all.rejectedShare() * 1000) / 1000.0)
                    .set("cost", cost.json(new ObjectMapper()));
            out.printf("e2e-simulated (%s): %.1f verified dialogs/s over %.0f s at steady state (after %,d samples in"
                            + " %.0f s); %.1f LLM calls, %,.0f prompt and %,.0f completion tokens per verified dialog,"
                            + " %.1f%% of calls on dialogs that ended rejected; %s; gateway CPU %.2f cores, process CPU"
                            + " %.2f of %d cores (%.1f ms per verified dialog); heap %d MB after GC%n",
                    simulated ? "simulator" : "procedural", w.verifiedPerSecond(), seconds, w.verifiedBefore(),
                    w.warmupSeconds(),
                    all.callsPerVerified(), all.promptTokensPerVerified(), all.completionTokensPerVerified(),
                    all.rejectedShare() * 100, simulated ? String.format("gateway C=%d at latency %s: at most %.0f calls/s,"
                            + " so %.1f verified/s", concurrency, latency, bound, bound / all.callsPerVerified())
                            : "gateway C=" + concurrency + ", no latency", gatewayCpu / seconds, w.cpuSeconds() / seconds,
                    Runtime.getRuntime().availableProcessors(), w.cpuMillisPerVerified(), heapMb);
            cost.lines().forEach(out::println);
            if (!w.measured()) {
                out.println("  stopped by: " + steady.stoppedBy(timeout));
            }
            out.flush();
            json.append(result);
            return w.measured() ? 0 : 1;
        }
    }

    private LlmBackend backend(final LlmSimulator simulator, final PipelineConfig config) {
        return simulator == null ? Pipeline.proceduralBackend(config)
                : new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), SimulatorSettings.DEFAULT_MODEL));
    }

    /**
     * Every dialog that ended so far with the calls it cost. Outcomes are read first: a dialog's calls were
     * committed before its outcome, so usage read afterwards holds all of them.
     */
    private static CostPerSample.Report cost(final Pipeline pipeline) {
        final Topics topics = pipeline.topics();
        final CostPerSample cost = new CostPerSample();
        TopicScan.scan(pipeline.clientConfig(), topics.outcomes.name(), topics.outcomes.valueSerde().deserializer(),
                Duration.ofMinutes(2), record -> cost.outcome(record.value()));
        TopicScan.scan(pipeline.clientConfig(), topics.llmUsage.name(), topics.llmUsage.valueSerde().deserializer(),
                Duration.ofMinutes(2), record -> cost.call(record.value()));
        return cost.report();
    }

    /**
     * The gateway's work in a whole pipeline: its own threads, and its producer's network thread (the only
     * producer without a client id once the seeds are in; the stages' producers are named after their stream
     * threads).
     */
    static boolean isGatewayThread(final String name) {
        return BenchCommand.isGatewayOwnThread(name) || name.startsWith("kafka-producer-network-thread | producer-");
    }

    /** The mean of the latency distribution: what bounds calls/s at a given concurrency. */
    static double meanMs(final Latency latency) {
        switch (latency.kind()) {
            case UNIFORM:
                return (latency.a() + latency.b()) / 2.0;
            case LOG_NORMAL:
                final double sigma = Math.log((double) Math.max(latency.b(), latency.a()) / latency.a()) / 2.3263478740408408;
                return latency.a() * Math.exp(sigma * sigma / 2);
            default:
                return Math.max(1, latency.a());
        }
    }

    private static double round(final double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? 0 : Math.round(value * 10) / 10.0;
    }
}

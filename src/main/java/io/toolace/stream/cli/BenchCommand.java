package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.CommittedKeys;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.kafka.TopicInfo;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.LlmReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Named benchmark scenarios on a fresh embedded broker, each printing one result line and appending
 * one JSON record to {@code --json}. Figures are wall time on whatever machine runs them; the record
 * carries the process CPU time and core count so runs on different machines can be compared.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark scenario on a fresh embedded broker and print one result line.",
                "pool-growth: time until the API pool holds --pool-size APIs (speciation, evolution, pool, gateway).",
                "gateway: calls/s the LLM gateway sustains against the LLM simulator at --latency-ms and --concurrency,"
                        + " and the CPU the gateway itself uses.",
                "e2e-procedural: verified dialogs/s of the whole pipeline (every stage, the gateway, exactly-once) on"
                        + " the procedural backend at steady state, with the CPU and heap it takes.",
                "e2e-simulated: the same against the LLM simulator (--llm-latency, --concurrency 64 unless given), with the"
                        + " LLM calls and tokens per verified dialog by dialog type and the calls spent on rejected ones.",
                "verifier: rule-layer samples per CPU-second of one thread on the ToolACE and BFCL samples in --data"
                        + " (no broker)."})
public final class BenchCommand implements Callable<Integer> {

    private static final List<String> SCENARIOS =
            List.of("pool-growth", "gateway", "e2e-procedural", "e2e-simulated", "verifier");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO",
            description = "pool-growth, gateway, e2e-procedural, e2e-simulated or verifier")
    String scenario;

    @Option(names = "--pool-size", defaultValue = "26507",
            description = "pool-growth: APIs to reach; the paper's pool has 26,507 (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--concurrency", defaultValue = "128",
            description = "gateway and e2e-simulated: requests the gateway keeps in flight (default: ${DEFAULT-VALUE}"
                    + " for gateway, 64 as run's for e2e-simulated).")
    int concurrency;

    @Option(names = "--latency-ms", defaultValue = "250",
            description = "gateway: the simulator's fixed latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--requests", defaultValue = "10000",
            description = "gateway: judge requests put on llm.requests (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup-samples", defaultValue = "1000",
            description = "e2e scenarios: verified samples before the measured window opens: start-up, the first pool"
                    + " growth and JIT warm-up are left out (default: ${DEFAULT-VALUE}).")
    long warmupSamples;

    @Option(names = "--window", defaultValue = "PT60S",
            description = "e2e scenarios: how long the steady state is measured (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "PT45M", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Append the result as one JSON line to this file.")
    Path json;

    @Option(names = "--keep", description = "Keep the benchmark's data directory (printed) instead of deleting it.")
    boolean keep;

    @Option(names = "--max-generation", defaultValue = "8",
            description = "e2e-procedural: evolution depth, as run's option (default: ${DEFAULT-VALUE}).")
    int maxGeneration;

    @Option(names = "--commit-interval", defaultValue = "PT0.1S",
            description = "e2e-procedural: each stage's commit interval, as run's option (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--inline-backend",
            description = "e2e-procedural: the dialog and verify stages ask the procedural backend on their own"
                    + " threads, as run's option; without it every turn and judge goes through the gateway.")
    boolean inlineBackend;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "e2e-procedural: Kafka Streams threads of each stage, as run's option (default:"
                    + " ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--pool-settle", defaultValue = "PT20S",
            description = "e2e scenarios: the window opens only once the API pool has not grown for this long, so it"
                    + " measures making dialogs, not growing the pool; PT0S opens it at once (default: ${DEFAULT-VALUE}).")
    Duration poolSettle;

    @Option(names = "--jit-queue", defaultValue = "10",
            description = "e2e-procedural: the window opens only once at most this many methods wait for HotSpot's"
                    + " optimising compiler (C2), so that it measures compiled code, not the JIT catching up; -1 does"
                    + " not wait (default: ${DEFAULT-VALUE}).")
    int jitQueue;

    @Option(names = "--heap-every",
            description = "e2e-procedural: also print the heap after a GC at this interval of the window (e.g. PT5M for"
                    + " a long run's heap curve).")
    Duration heapEvery;

    @Option(names = "--llm-latency",
            description = "gateway and e2e-simulated: the simulator's latency, MS, MIN..MAX or lognormal:MEDIAN,P99 in"
                    + " milliseconds (default: --latency-ms, fixed).")
    String llmLatency;

    @Option(names = "--llm", defaultValue = "simulator",
            description = "e2e-simulated: simulator, or procedural for the same cost table on the procedural backend,"
                    + " which counts no tokens (default: ${DEFAULT-VALUE}).")
    String llm;

    @Option(names = "--data", defaultValue = "../shared/data",
            description = "verifier: folder with toolace/*.jsonl and bfcl/ (question files, possible_answer/) (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--rounds", defaultValue = "10",
            description = "verifier: measured rounds of one CPU-second per sample set, after 5 warm-up rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (!SCENARIOS.contains(scenario)) {
            spec.commandLine().getErr().println("bench: no scenario '" + scenario
                    + "'; scenarios: " + String.join(", ", SCENARIOS));
            return 2;
        }
        final Path dataDir = Files.createTempDirectory("toolace-bench-");
        try {
            return switch (scenario) {
                case "gateway" -> gateway(dataDir);
                case "e2e-procedural" -> e2eProcedural(dataDir);
                case "e2e-simulated" -> new SimulatedBench(spec.commandLine().getOut(), SimulatedBench.Llm.of(llm), partitions,
                        spec.commandLine().getParseResult().hasMatchedOption("--concurrency") ? concurrency : 64,
                        simulatorLatency(), warmupSamples,
                        poolSettle, window, timeout, this::appendJson).run(dataDir);
                case "verifier" -> VerifierBench.run(spec.commandLine().getOut(), spec.commandLine().getErr(), data, rounds,
                        this::appendJson);
                default -> poolGrowth(dataDir);
            };
        } finally {
            if (keep) {
                spec.commandLine().getOut().println("data kept in " + dataDir);
            } else {
                delete(dataDir);
            }
        }
    }

    private int poolGrowth(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions).build();
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final long cpuBefore = os.getProcessCpuTime();
        final long started = System.nanoTime();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("target", poolSize);
        try (Pipeline pipeline = Pipeline.start(config,
                new LinkedHashSet<>(List.of("speciation", "evolution", "pool", "gateway")), Duration.ofMinutes(2));
                CommittedKeys pool = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().pool.name()).start()) {
            final double startup = (System.nanoTime() - started) / 1e9;
            final long deadline = started + timeout.toNanos();
            long nextLine = System.nanoTime();
            while (pool.size() < poolSize && System.nanoTime() < deadline && pipeline.failure() == null
                    && pool.failure() == null) {
                if (System.nanoTime() >= nextLine) {
                    out.printf("  %5.0f s  pool %,d%n", (System.nanoTime() - started) / 1e9, pool.size());
                    out.flush();
                    nextLine += Duration.ofSeconds(10).toNanos();
                }
                Thread.sleep(50);
            }
            final double seconds = (System.nanoTime() - started) / 1e9;
            final double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
            final boolean reached = pool.size() >= poolSize;
            result.put("reached", reached).put("apis", pool.size()).put("seconds", round(seconds))
                    .put("startupSeconds", round(startup)).put("apisPerSecond", round(pool.size() / seconds))
                    .put("cpuSeconds", round(cpu)).put("heapUsedMb", memory.getHeapMemoryUsage().getUsed() >> 20);
            out.printf("pool-growth: %s %,d APIs in %.1f s (%.0f APIs/s, %.1f s of it start-up), process CPU %.0f s on %d"
                            + " cores, heap %d MB%n", reached ? "reached" : "DID NOT REACH", pool.size(), seconds,
                    pool.size() / seconds, startup, cpu, Runtime.getRuntime().availableProcessors(),
                    memory.getHeapMemoryUsage().getUsed() >> 20);
            if (!reached) {
                out.println("  stopped by: " + (pipeline.failure() != null ? pipeline.failure()
                        : pool.failure() != null ? pool.failure() : "timeout " + timeout));
            }
            out.flush();
            appendJson(result);
            return reached ? 0 : 1;
        }
    }

    /**
     * The whole pipeline as {@code run} starts it, procedural backend, exactly-once: verified samples committed
     * per second over {@code --window} at steady state ({@link SteadyState}). CPU is the whole process's (broker
     * and registry included, as {@code run} has them), heap the heap after a GC at the window's end.
     */
    private int e2eProcedural(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions)
                .maxGeneration(maxGeneration).commitInterval(commitInterval).inlineBackend(inlineBackend)
                .streamThreads(streamThreads).build();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("warmupSamples", warmupSamples).put("windowSeconds", window.toSeconds())
                .put("maxGeneration", maxGeneration).put("commitIntervalMs", commitInterval.toMillis())
                .put("inlineBackend", inlineBackend).put("streamThreads", streamThreads).put("jitQueue", jitQueue);
        final long started = System.nanoTime();
        try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES), Duration.ofMinutes(2));
                SteadyState steady = new SteadyState(pipeline, out, started, timeout)) {
            final SteadyState.Window w = steady.measure(warmupSamples, poolSettle, jitQueue, window, heapEvery);
            final long heapMb = HeapAfterGc.megabytes();
            final ArrayNode heapCurve = result.putArray("heapMbAfterGcEvery");
            w.heapMbAfterGc().forEach(heapCurve::add);
            result.put("measured", w.measured()).put("verified", w.verified()).put("seconds", round(w.seconds()))
                    .put("verifiedPerSecond", round(w.verifiedPerSecond())).put("warmupSeconds", round(w.warmupSeconds()))
                    .put("poolApis", steady.poolSize()).put("poolGrowthInWindow", steady.poolSize() - w.poolBefore())
                    .put("processCpuCores", round(w.cpuSeconds() / w.seconds()))
                    .put("cpuMillisPerVerified", round(w.cpuMillisPerVerified()))
                    .put("heapUsedMbAfterGc", heapMb)
                    .put("c2QueueBefore", w.c2QueueBefore()).put("c2QueueAfter", w.c2QueueAfter())
                    .put("jitCompileSecondsPerSecond", round(w.compileSeconds() / w.seconds()));
            out.printf("e2e-procedural%s: %.1f verified dialogs/s over %.0f s at steady state (after %,d samples in"
                            + " %.0f s, pool %,d APIs); process CPU %.2f of %d cores (%.1f ms per verified dialog); heap %d MB"
                            + " after GC; JIT compiling %.2f s a second, C2 queue %,d to %,d methods%n",
                    inlineBackend ? " (inline backend)" : "", w.verifiedPerSecond(), w.seconds(), w.verifiedBefore(), w.warmupSeconds(), steady.poolSize(),
                    w.cpuSeconds() / w.seconds(), Runtime.getRuntime().availableProcessors(), w.cpuMillisPerVerified(),
                    heapMb, w.compileSeconds() / w.seconds(), w.c2QueueBefore(), w.c2QueueAfter());
            if (!w.measured()) {
                out.println("  stopped by: " + steady.stoppedBy(timeout));
            }
            traffic(pipeline, dataDir, steady.verifiedRecords(), result, out);
            out.flush();
            appendJson(result);
            return w.measured() ? 0 : 1;
        }
    }

    /**
     * What the run wrote per verified dialog, by topic, since the start (warm-up included): offsets, which
     * count transaction markers too (one per partition a transaction wrote to), and bytes of the broker's log
     * segments on disk, after compression. This is the work the pipeline's design asks of the broker and the
     * serdes for each sample, whatever the machine.
     */
    private static void traffic(final Pipeline pipeline, final Path dataDir, final long verified,
            final ObjectNode result, final PrintWriter out) throws IOException {
        final Map<String, Long> bytes = new HashMap<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                final String dir = file.getParent().getFileName().toString();
                final int dash = dir.lastIndexOf('-');
                if (dash > 0 && dir.substring(dash + 1).chars().allMatch(Character::isDigit)) {
                    bytes.merge(dir.substring(0, dash), Files.size(file), Long::sum);
                }
            }
        }
        final List<TopicInfo> topics;
        try (TopicAdmin admin = TopicAdmin.create(pipeline.clientConfig())) {
            // Kafka's own topics (offsets, transaction state, the metadata log) are left out: not the pipeline's.
            topics = admin.describe().stream().filter(topic -> !topic.name().startsWith("_")).toList();
        }
        final ObjectNode byTopic = result.putObject("perVerifiedDialog");
        long offsets = 0;
        long total = 0;
        for (final TopicInfo topic : topics) {
            offsets += topic.offsetSpan();
            total += bytes.getOrDefault(topic.name(), 0L);
            byTopic.putObject(topic.name()).put("offsets", round((double) topic.offsetSpan() / verified))
                    .put("kilobytes", round(bytes.getOrDefault(topic.name(), 0L) / 1024.0 / verified));
        }
        out.printf("  per verified dialog, whole run: %.0f offsets (records and transaction markers), %.0f KB of"
                + " log on disk; largest:%n", (double) offsets / verified, total / 1024.0 / verified);
        topics.stream().sorted(Comparator.comparingLong((TopicInfo t) -> bytes.getOrDefault(t.name(), 0L)).reversed())
                .limit(8).forEach(t -> out.printf("    %-45s %6.1f offsets %8.1f KB%n", t.name(),
                        (double) t.offsetSpan() / verified, bytes.getOrDefault(t.name(), 0L) / 1024.0 / verified));
    }

    /**
     * The gateway alone between a pre-filled {@code llm.requests} and the simulator: replies/s between
     * the 10th percentile of replies (the ramp-up is over) and the last {@code concurrency} (the tail
     * drains), against the ideal C / mean latency (Little's law). A fixed latency keeps the calls in step: a
     * thousand answers land together and the last of them waits for the CPU behind the others, which a
     * spread latency ({@code --llm-latency}) does not. The gateway's CPU is the thread CPU time, over the same
     * window, of the threads that do its work: its own thread (consumer, dispatch, producer sends), the
     * openai client's threads (prompts built, requests out, answers parsed), the HTTP client's selector,
     * the endpoint guard's timer and its producer's network thread. The simulator, the broker and this benchmark's own clients run in the same JVM but on
     * other threads, and are reported apart.
     */
    private int gateway(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions)
                .gatewayConcurrency(concurrency).build();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("concurrency", concurrency).put("requests", requests);
        final Latency latency = simulatorLatency();
        final double meanLatencyMs = SimulatedBench.meanMs(latency);
        result.put("latency", latency.toString()).put("latencyMs", round(meanLatencyMs));
        try (LlmSimulator simulator = LlmSimulator.start(SimulatorSettings.builder().port(0)
                        .latency(latency).build());
                Pipeline pipeline = Pipeline.start(config, Set.of("gateway"), Duration.ofMinutes(2),
                        new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim")));
                KafkaConsumer<String, LlmReply> replies = GatewayBenchRequests.replies(pipeline)) {
            GatewayBenchRequests.fill(pipeline, requests);
            final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            final long warm = requests / 10;
            final long last = Math.max(warm + 1, requests - concurrency);
            final long deadline = System.nanoTime() + timeout.toNanos();
            long count = 0;
            long errors = 0;
            long windowStart = 0;
            long warmCount = 0;
            long processStart = 0;
            Map<String, Long> threadsStart = Map.of();
            while (count < last && System.nanoTime() < deadline && pipeline.failure() == null) {
                for (final ConsumerRecord<String, LlmReply> record : replies.poll(Duration.ofMillis(20))) {
                    count++;
                    errors += record.value().getError() == null ? 0 : 1;
                }
                if (windowStart == 0 && count >= warm) {
                    windowStart = System.nanoTime();
                    processStart = os.getProcessCpuTime();
                    threadsStart = threadCpu();
                    warmCount = count;
                }
            }
            final double seconds = (System.nanoTime() - windowStart) / 1e9;
            final Map<String, Long> threadsEnd = threadCpu();
            final double processCpu = (os.getProcessCpuTime() - processStart) / 1e9;
            final boolean finished = count >= last;
            final double callsPerSecond = (count - warmCount) / seconds;
            final double ideal = concurrency * 1000.0 / meanLatencyMs;
            final double gatewayCpu = cpuSeconds(threadsStart, threadsEnd, BenchCommand::isGatewayThread);
            final double simulatorCpu = cpuSeconds(threadsStart, threadsEnd, name -> name.startsWith("llm-simulator-")
                    || name.startsWith("HTTP-Dispatcher"));
            result.put("finished", finished).put("replies", count).put("errors", errors)
                    .put("windowSeconds", round(seconds)).put("callsPerSecond", round(callsPerSecond))
                    .put("idealCallsPerSecond", round(ideal)).put("ratio", Math.round(callsPerSecond / ideal * 1000) / 1000.0)
                    .put("gatewayCpuCores", Math.round(gatewayCpu / seconds * 1000) / 1000.0)
                    .put("gatewayCpuMicrosPerCall", Math.round(gatewayCpu * 1e6 / (count - warmCount)))
                    .put("simulatorCpuCores", Math.round(simulatorCpu / seconds * 1000) / 1000.0)
                    .put("processCpuCores", Math.round(processCpu / seconds * 1000) / 1000.0);
            out.printf("gateway: %.0f calls/s at C=%d, latency %s (mean %.0f ms; ideal C/latency %.0f/s, ratio %.2f);"
                            + " gateway CPU %.2f cores (%.0f µs/call), simulator %.2f, whole process %.2f of %d cores;"
                            + " %d errors%n",
                    callsPerSecond, concurrency, latency, meanLatencyMs, ideal, callsPerSecond / ideal, gatewayCpu / seconds,
                    gatewayCpu * 1e6 / (count - warmCount), simulatorCpu / seconds, processCpu / seconds,
                    Runtime.getRuntime().availableProcessors(), errors);
            if (!finished) {
                out.println("  stopped by: " + (pipeline.failure() != null ? pipeline.failure() : "timeout " + timeout)
                        + " after " + count + " replies");
            }
            out.flush();
            appendJson(result);
            return finished && errors == 0 ? 0 : 1;
        }
    }

    /** CPU nanoseconds of every live thread, by name and id. */
    static Map<String, Long> threadCpu() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> cpu = new HashMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                final long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadName() + "#" + info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /** CPU seconds the matching threads used between two snapshots; a thread born in between counts from zero. */
    static double cpuSeconds(final Map<String, Long> start, final Map<String, Long> end,
            final Predicate<String> threadName) {
        long nanos = 0;
        for (final Map.Entry<String, Long> e : end.entrySet()) {
            if (threadName.test(e.getKey())) {
                nanos += e.getValue() - start.getOrDefault(e.getKey(), 0L);
            }
        }
        return nanos / 1e9;
    }

    private static boolean isGatewayThread(final String name) {
        return isGatewayOwnThread(name) || name.startsWith("kafka-producer-network-thread") && !name.contains("bench-");
    }

    /**
     * The threads that are the gateway's whatever else runs: its own, the HTTP client's and the OpenAI backend's
     * (prompts, sends), its guard and its consumer's heartbeat. Which producer network thread is the gateway's
     * depends on what else produces, so each scenario adds its own rule.
     */
    static boolean isGatewayOwnThread(final String name) {
        return name.startsWith("llm-gateway#") || name.startsWith("HttpClient-") || name.startsWith("openai-client-")
                || name.startsWith("openai-prepare-")
                || name.startsWith("toolace-llm-guard#")
                || name.startsWith("kafka-coordinator-heartbeat-thread") && name.contains("gateway");
    }

    private Latency simulatorLatency() {
        return llmLatency != null ? Latency.parse(llmLatency) : Latency.fixed(latencyMs);
    }

    private void appendJson(final ObjectNode result) throws IOException {
        if (json != null) {
            if (json.toAbsolutePath().getParent() != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
            }
            Files.writeString(json, result + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static double round(final double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void delete(final Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (final Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

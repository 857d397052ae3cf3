package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.toolace.stream.Pipeline;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.CommittedKeys;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
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
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
                "verifier: rule-layer samples per CPU-second of one thread on the ToolACE and BFCL samples in --data"
                        + " (no broker)."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "pool-growth, gateway, e2e-procedural or verifier")
    String scenario;

    @Option(names = "--pool-size", defaultValue = "26507",
            description = "pool-growth: APIs to reach; the paper's pool has 26,507 (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--concurrency", defaultValue = "128",
            description = "gateway: requests the gateway keeps in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--latency-ms", defaultValue = "250",
            description = "gateway: the simulator's fixed latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--requests", defaultValue = "10000",
            description = "gateway: judge requests put on llm.requests (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup-samples", defaultValue = "1000",
            description = "e2e-procedural: verified samples before the measured window opens: start-up, the first pool"
                    + " growth and JIT warm-up are left out (default: ${DEFAULT-VALUE}).")
    long warmupSamples;

    @Option(names = "--window", defaultValue = "PT60S",
            description = "e2e-procedural: how long the steady state is measured (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Append the result as one JSON line to this file.")
    Path json;

    @Option(names = "--keep", description = "Keep the benchmark's data directory (printed) instead of deleting it.")
    boolean keep;

    @Option(names = "--data", defaultValue = "../shared/data",
            description = "verifier: folder with toolace/*.jsonl and bfcl/ (question files, possible_answer/) (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--rounds", defaultValue = "10",
            description = "verifier: measured rounds of one CPU-second per sample set, after 5 warm-up rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (!List.of("pool-growth", "gateway", "e2e-procedural", "verifier").contains(scenario)) {
            spec.commandLine().getErr().println("bench: no scenario '" + scenario
                    + "'; scenarios: pool-growth, gateway, e2e-procedural, verifier");
            return 2;
        }
        final Path dataDir = Files.createTempDirectory("toolace-bench-");
        try {
            return switch (scenario) {
                case "gateway" -> gateway(dataDir);
                case "e2e-procedural" -> e2eProcedural(dataDir);
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
     * per second over {@code --window}, once {@code --warmup-samples} are verified. Counted from
     * {@code samples.verified} with {@code read_committed}, as a downstream consumer sees them. CPU is the
     * whole process's (broker and registry included, as {@code run} has them), heap the used heap after a GC
     * at the window's end.
     */
    private int e2eProcedural(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions).build();
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("warmupSamples", warmupSamples).put("windowSeconds", window.toSeconds());
        final long started = System.nanoTime();
        try (Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(Pipeline.STAGES), Duration.ofMinutes(2));
                CommittedKeys verified = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().verified.name(),
                        false).start()) {
            final long deadline = started + timeout.toNanos();
            while (verified.records() < warmupSamples && System.nanoTime() < deadline && pipeline.failure() == null) {
                Thread.sleep(50);
            }
            final double warmupSeconds = (System.nanoTime() - started) / 1e9;
            final long fromCount = verified.records();
            final long fromCpu = os.getProcessCpuTime();
            final long from = System.nanoTime();
            final long until = Math.min(deadline, from + window.toNanos());
            long nextLine = from + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until && pipeline.failure() == null) {
                if (System.nanoTime() >= nextLine) {
                    out.printf("  %5.0f s  verified %,d%n", (System.nanoTime() - started) / 1e9, verified.records());
                    out.flush();
                    nextLine += Duration.ofSeconds(10).toNanos();
                }
                Thread.sleep(50);
            }
            final double seconds = (System.nanoTime() - from) / 1e9;
            final long samples = verified.records() - fromCount;
            final double cpu = (os.getProcessCpuTime() - fromCpu) / 1e9;
            System.gc();
            final long heapMb = memory.getHeapMemoryUsage().getUsed() >> 20;
            final boolean measured = pipeline.failure() == null && seconds >= window.toSeconds() * 0.99;
            result.put("measured", measured).put("verified", samples).put("seconds", round(seconds))
                    .put("verifiedPerSecond", round(samples / seconds)).put("warmupSeconds", round(warmupSeconds))
                    .put("processCpuCores", round(cpu / seconds)).put("cpuMillisPerVerified", round(cpu * 1e3 / samples))
                    .put("heapUsedMbAfterGc", heapMb);
            out.printf("e2e-procedural: %.1f verified dialogs/s over %.0f s at steady state (after %,d samples in %.0f s);"
                            + " process CPU %.2f of %d cores (%.1f ms per verified dialog); heap %d MB after GC%n",
                    samples / seconds, seconds, fromCount, warmupSeconds, cpu / seconds,
                    Runtime.getRuntime().availableProcessors(), cpu * 1e3 / samples, heapMb);
            if (!measured) {
                out.println("  stopped by: " + (pipeline.failure() != null ? pipeline.failure() : "timeout " + timeout));
            }
            out.flush();
            appendJson(result);
            return measured ? 0 : 1;
        }
    }

    /**
     * The gateway alone between a pre-filled {@code llm.requests} and the simulator: replies/s between
     * the 10th percentile of replies (the ramp-up is over) and the last {@code concurrency} (the tail
     * drains), against the ideal C / latency. The gateway's CPU is the thread CPU time, over the same
     * window, of the threads that do its work: its own thread (consumer, dispatch, producer sends), the
     * HTTP client's selector and workers (requests out, answers parsed), and its producer's network
     * thread. The simulator, the broker and this benchmark's own clients run in the same JVM but on
     * other threads, and are reported apart.
     */
    private int gateway(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions)
                .gatewayConcurrency(concurrency).build();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("concurrency", concurrency).put("latencyMs", latencyMs).put("requests", requests);
        try (LlmSimulator simulator = LlmSimulator.start(SimulatorSettings.builder().port(0)
                        .latency(Latency.fixed(latencyMs)).build());
                Pipeline pipeline = Pipeline.start(config, Set.of("gateway"), Duration.ofMinutes(2),
                        new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim")));
                KafkaConsumer<String, LlmReply> replies = replyConsumer(pipeline)) {
            fill(pipeline);
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
            final double ideal = concurrency * 1000.0 / latencyMs;
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
            out.printf("gateway: %.0f calls/s at C=%d, latency %d ms (ideal C/latency %.0f/s, ratio %.2f); gateway CPU"
                            + " %.2f cores (%.0f µs/call), simulator %.2f, whole process %.2f of %d cores; %d errors%n",
                    callsPerSecond, concurrency, latencyMs, ideal, callsPerSecond / ideal, gatewayCpu / seconds,
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

    /** {@code --requests} judge requests on one small finished dialog, each its own correlation id. */
    private void fill(final Pipeline pipeline) {
        final Topics topics = pipeline.topics();
        final Properties props = pipeline.clientConfig().clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-fill");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        final Sample sample = benchSample();
        try (KafkaProducer<String, LlmRequest> producer = new KafkaProducer<>(props,
                topics.llmRequests.keySerde().serializer(), topics.llmRequests.valueSerde().serializer())) {
            for (int i = 0; i < requests; i++) {
                final String id = "bench-" + i;
                producer.send(new ProducerRecord<>(topics.llmRequests.name(), id, LlmRequests.of(
                        AgentTask.JUDGE_CONSISTENCY, topics.verifyReplies.name(), id, 0, 0, "bench", sample,
                        System.currentTimeMillis())));
            }
        }
    }

    private static KafkaConsumer<String, LlmReply> replyConsumer(final Pipeline pipeline) {
        final Topics topics = pipeline.topics();
        final Properties props = pipeline.clientConfig().consumer("bench-replies");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-replies");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final KafkaConsumer<String, LlmReply> consumer = new KafkaConsumer<>(props,
                topics.verifyReplies.keySerde().deserializer(), topics.verifyReplies.valueSerde().deserializer());
        // Assigned, not subscribed: a group join can take seconds, and replies piling up meanwhile would be read
        // in one burst and counted as a rate the gateway never had.
        final List<TopicPartition> partitions = consumer.partitionsFor(topics.verifyReplies.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static Sample benchSample() {
        final ApiDefinition weather = ApiDefinition.newBuilder()
                .setId("bench-weather")
                .setName("get_weather")
                .setDescription("Returns the current weather for a city.")
                .setParameters("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
                        + "\"description\":\"City name.\"}},\"required\":[\"city\"]}")
                .setResponse("{\"type\":\"object\",\"properties\":{\"temperature_c\":{\"type\":\"number\","
                        + "\"description\":\"Degrees Celsius.\"}}}")
                .setLineage(Lineage.newBuilder().build())
                .build();
        final List<ApiDefinition> tools = List.of(weather);
        return Sample.newBuilder()
                .setId("bench-sample")
                .setDialogId("bench-dialog")
                .setPlannerPartition(0)
                .setDialogType(DialogType.SINGLE)
                .setSystem(ToolSamples.systemPrompt(tools))
                .setTools(tools)
                .setTurns(List.of(
                        new Turn(Role.USER, "What is the weather in Paris right now?", List.of(), List.of(), List.of()),
                        new Turn(Role.ASSISTANT, null, List.of(new FunctionCall("get_weather", "{\"city\":\"Paris\"}")),
                                List.of(), List.of("need_tool: yes", "api: get_weather", "required: city <- user")),
                        new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult("get_weather",
                                "{\"temperature_c\":18.5}")), List.of()),
                        new Turn(Role.ASSISTANT, "It is 18.5 °C in Paris right now.", List.of(), List.of(),
                                List.of("need_tool: no"))))
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    /** CPU nanoseconds of every live thread, by name and id. */
    private static Map<String, Long> threadCpu() {
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
    private static double cpuSeconds(final Map<String, Long> start, final Map<String, Long> end,
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
        return name.startsWith("llm-gateway#") || name.startsWith("HttpClient-")
                || name.startsWith("kafka-producer-network-thread") && !name.contains("bench-")
                || name.startsWith("kafka-coordinator-heartbeat-thread") && name.contains("gateway");
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

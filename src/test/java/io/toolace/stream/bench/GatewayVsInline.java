package io.toolace.stream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.cli.BenchCommand;
import io.toolace.stream.cli.GatewayBenchRequests;
import io.toolace.stream.kafka.GroupInstance;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.StageRunner;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.simulator.Latency;
import io.toolace.stream.llm.simulator.LlmSimulator;
import io.toolace.stream.llm.simulator.SimulatorSettings;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import picocli.CommandLine;

/**
 * The gateway against calling the LLM inline from a Streams processor, in one run, at the same simulated
 * latency and on the same judge requests: why the stages hand their calls to the gateway (DESIGN.md).
 *
 * <p>First {@code bench gateway} as the CLI runs it (its result line printed as is). Then the baseline: a
 * Kafka Streams application with a stage's settings (exactly-once v2, {@link StageRunner#properties}) and as
 * many stream threads as the gateway has threads of its own (one), whose processor asks the same openai backend,
 * over HTTP to a simulator of the same latency, and waits for the answer inside {@code process()} before it
 * forwards the reply. Each stream thread then has one call in flight, so the inline rate is at most
 * threads / latency; and every call holds the thread's transaction open for its latency, which the
 * transaction timeout (10 s under Streams' exactly-once) bounds.
 *
 * <p>The baseline lives here, not in the CLI, so that no shipped stage can be built on it.
 *
 * <pre>
 * mvn -B -ntp -Pbench test-compile exec:exec -Dbench.main=io.toolace.stream.bench.GatewayVsInline \
 *     -Dbench.args="CONCURRENCY LATENCY_MS GATEWAY_REQUESTS INLINE_THREADS INLINE_SECONDS"
 * </pre>
 * Defaults: 128 250 10000 1 30.
 */
public final class GatewayVsInline {

    private static final Duration START = Duration.ofMinutes(2);

    private GatewayVsInline() {}

    public static void main(final String[] args) throws Exception {
        final int concurrency = arg(args, 0, 128);
        final int latencyMs = arg(args, 1, 250);
        final int gatewayRequests = arg(args, 2, 10_000);
        final int inlineThreads = arg(args, 3, 1);
        final int inlineSeconds = arg(args, 4, 30);

        final Path json = Files.createTempFile("gateway-vs-inline-", ".json");
        final int exit = new CommandLine(new BenchCommand()).execute("gateway", "--concurrency",
                Integer.toString(concurrency), "--latency-ms", Integer.toString(latencyMs), "--requests",
                Integer.toString(gatewayRequests), "--json", json.toString());
        if (exit != 0) {
            System.out.println("gateway-vs-inline: bench gateway failed (exit " + exit + "), no comparison");
            System.exit(exit);
        }
        final double gateway = new ObjectMapper().readTree(Files.readString(json))
                .get("callsPerSecond").asDouble();
        Files.delete(json);

        final double inline = inline(latencyMs, inlineThreads, inlineSeconds);
        System.out.printf("gateway-vs-inline: gateway %.0f calls/s (C=%d), inline %.1f calls/s (%d stream thread%s,"
                        + " ideal %.1f), at %d ms latency: the gateway answers %.0f times as many%n", gateway,
                concurrency, inline, inlineThreads, inlineThreads == 1 ? "" : "s", inlineThreads * 1000.0 / latencyMs,
                latencyMs, gateway / inline);
        System.exit(0);
    }

    /**
     * Replies per second of the inline application over {@code seconds}, counted from its first reply (the group
     * join and the first transaction are left out), read as a downstream consumer reads them: committed only.
     */
    private static double inline(final int latencyMs, final int threads, final int seconds) throws Exception {
        final Path dataDir = Files.createTempDirectory("toolace-inline-");
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(4).build();
        // Enough requests that the threads never run dry within the window.
        final int requests = (int) Math.min(100_000, 2L * threads * seconds * 1000 / latencyMs + 100);
        try (LlmSimulator simulator = LlmSimulator.start(SimulatorSettings.builder().port(0)
                        .latency(Latency.fixed(latencyMs)).build());
                LlmBackend backend = new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim"));
                Pipeline pipeline = Pipeline.start(config, Set.of(), START);
                GroupInstance instance = GroupInstance.acquire(dataDir.resolve("inline"));
                KafkaConsumer<String, LlmReply> replies = GatewayBenchRequests.replies(pipeline)) {
            GatewayBenchRequests.fill(pipeline, requests);
            final Topics topics = pipeline.topics();
            final Stage stage = new Stage() {
                @Override
                public String name() {
                    return "inline-baseline";
                }

                @Override
                public Topology buildTopology() {
                    final Topology topology = new Topology();
                    topology.addSource("requests", topics.llmRequests.keySerde().deserializer(),
                            topics.llmRequests.valueSerde().deserializer(), topics.llmRequests.name());
                    topology.addProcessor("inline-call", () -> new InlineCall(backend), "requests");
                    topology.addSink("replies", topics.verifyReplies.name(),
                            topics.verifyReplies.keySerde().serializer(), topics.verifyReplies.valueSerde().serializer(),
                            "inline-call");
                    return topology;
                }
            };
            final Properties props = StageRunner.properties(stage, config, pipeline.bootstrapServers(), topics.dlq,
                    instance);
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
            try (KafkaStreams streams = new KafkaStreams(stage.buildTopology(), props)) {
                streams.start();
                long count = 0;
                long from = 0;
                final long deadline = System.nanoTime() + START.toNanos();
                while (count == 0 && System.nanoTime() < deadline) {
                    count = replies.poll(Duration.ofMillis(20)).count();
                    from = System.nanoTime();
                }
                final long first = count;
                final long until = from + Duration.ofSeconds(seconds).toNanos();
                while (System.nanoTime() < until) {
                    count += replies.poll(Duration.ofMillis(20)).count();
                }
                final double rate = (count - first) / ((System.nanoTime() - from) / 1e9);
                streams.close(Duration.ofSeconds(30));
                return rate;
            }
        }
    }

    /** Asks the backend and waits for the answer on the stream thread, as a stage would without the gateway. */
    private static final class InlineCall implements Processor<String, LlmRequest, String, LlmReply> {

        private final LlmBackend backend;
        private ProcessorContext<String, LlmReply> context;

        InlineCall(final LlmBackend backend) {
            this.backend = backend;
        }

        @Override
        public void init(final ProcessorContext<String, LlmReply> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<String, LlmRequest> record) {
            context.forward(record.withValue(backend.answer(record.value()).join()));
        }
    }

    private static int arg(final String[] args, final int index, final int otherwise) {
        return args.length > index ? Integer.parseInt(args[index]) : otherwise;
    }
}

package io.toolace.stream;

import io.toolace.stream.kafka.RegistrySerdes;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.kafka.registry.EmbeddedRegistry;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** Records and settings for topology tests: real serdes against a real (embedded) registry. */
public final class StageFixtures implements AutoCloseable {

    static {
        TrustedClasses.trustNamedTypesOf(LlmReply.getClassSchema());
    }

    public final EmbeddedRegistry registry;
    public final Topics topics;
    private final Path dir;

    public StageFixtures(final Path dir) {
        this.dir = dir;
        registry = EmbeddedRegistry.start(dir);
        topics = new Topics("t.", RegistrySerdes.connect(registry.url(), Map.of()));
    }

    /**
     * Driver settings with the state under this test's own directory: the default, a shared
     * /tmp/kafka-streams, lets two builds on one machine lock each other's RocksDB stores.
     */
    public Properties driverProperties(final String applicationId) {
        final Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return props;
    }

    /** A driver input topic with the topic's real serdes. */
    public static <V> TestInputTopic<String, V> input(final TopologyTestDriver driver, final Topics.Topic<V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** A driver output topic with the topic's real serdes. */
    public static <V> TestOutputTopic<String, V> output(final TopologyTestDriver driver, final Topics.Topic<V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    public static Lineage lineage() {
        return Lineage.newBuilder().setPoolGeneration(0).setPromptVersion("v1").setAgents(Map.of())
                .setSeedIds(List.of()).setCreatedAtMs(0).build();
    }

    public static ApiDefinition weatherApi() {
        return ApiDefinition.newBuilder()
                .setId("api-weather")
                .setName("Get Hourly Forecast")
                .setDescription("Hourly weather forecast for a city.")
                .setDomain("weather")
                .setSubdomain("forecast")
                .setFunctionalities(List.of("weather/forecast/get hourly forecast"))
                .setParameters("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\","
                        + "\"description\":\"City name\"}},\"required\":[\"city\"]}")
                .setResponse("{\"type\":\"object\",\"properties\":{\"temperature\":{\"type\":\"number\"}}}")
                .setOrigin(ApiOrigin.SYNTHESIZED)
                .setGeneration(0)
                .setDiversity(List.of())
                .setExampleId(null)
                .setRejection(null)
                .setLineage(lineage())
                .build();
    }

    public static DialogDraft draft(final String id, final int plannerPartition) {
        return DialogDraft.newBuilder()
                .setId(id)
                .setPlannerPartition(plannerPartition)
                .setSeq(0)
                .setDialogType(DialogType.SINGLE)
                .setTargetTurns(1)
                .setComplexity(0.5)
                .setTools(List.of(weatherApi()))
                .setSystem("You may call: Get Hourly Forecast")
                .setUserInstruction("")
                .setTurns(List.of())
                .setNext(Agent.USER)
                .setStep(0)
                .setFaults(List.of())
                .setLineage(lineage())
                .build();
    }

    public static LlmReply reply(final LlmRequest request, final Object result, final String error) {
        return LlmReply.newBuilder()
                .setRequest(request)
                .setResult(result)
                .setError(error)
                .setUsage(LlmUsage.newBuilder().setBackend("test").setModel("fixture").build())
                .build();
    }

    public static boolean isJudge(final AgentTask task) {
        return task.name().startsWith("JUDGE_");
    }

    @Override
    public void close() {
        registry.close();
    }
}

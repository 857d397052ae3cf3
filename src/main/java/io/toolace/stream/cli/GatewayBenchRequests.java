package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.LlmRequests;
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
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The gateway benchmarks' load: judge requests put on {@code llm.requests} before the clock starts, and the
 * replies read back from the judges' reply topic. Shared by {@code bench gateway} and the inline baseline
 * under the benchmark sources, so both paths answer the same requests.
 */
public final class GatewayBenchRequests {

    private GatewayBenchRequests() {}

    /** {@code requests} judge requests on one small finished dialog, each its own correlation id. */
    public static void fill(final Pipeline pipeline, final int requests) {
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

    /** A consumer of the replies to {@link #fill}'s requests, from the first. */
    public static KafkaConsumer<String, LlmReply> replies(final Pipeline pipeline) {
        final Topics topics = pipeline.topics();
        final Properties props = pipeline.clientConfig().consumer("bench-replies");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-replies");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Replies written in a transaction (the inline baseline's) count once committed, as downstream sees them.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
}

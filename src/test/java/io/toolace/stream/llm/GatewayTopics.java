package io.toolace.stream.llm;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.TopicWriter;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.LlmRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Puts requests on {@code llm.requests} the way the stages do, and waits for what the gateway writes. */
final class GatewayTopics {

    private GatewayTopics() {}

    /** Each request keyed by its correlation id, in the given order. */
    static void send(final Pipeline pipeline, final List<LlmRequest> requests) {
        TopicWriter.send(pipeline.clientConfig(), pipeline.topics().llmRequests, LlmRequest::getCorrelationId, requests);
    }

    /** The topic's values once it holds at least {@code count} records, in partition then offset order. */
    static <V> List<V> await(final Pipeline pipeline, final Topics.Topic<V> topic, final int count,
            final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        List<V> values = List.of();
        while (System.nanoTime() < deadline) {
            values = TopicReader.readAll(pipeline.clientConfig(), topic).stream().map(ConsumerRecord::value)
                    .collect(Collectors.toList());
            if (values.size() >= count) {
                return values;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " records in " + topic.name() + ", got " + values.size());
    }
}

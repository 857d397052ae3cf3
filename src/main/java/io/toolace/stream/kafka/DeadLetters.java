package io.toolace.stream.kafka;

import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME;
import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME;
import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME;
import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME;
import static org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes records that cannot be read or processed to the dead-letter topic with the raw bytes and the
 * error in headers (the KIP-1034 header names, plus the stage), and lets the stage go on. Bad input is
 * expected in a long-running pipeline, so a record that does not deserialize, or that a stage refuses
 * ({@link PoisonRecordException}), is logged as one line without a stack trace; any other processing
 * error is a stage's bug, and its line carries the stack trace to find it. An output that does not
 * serialize, among them one over the record size limit ({@link io.toolace.stream.kafka.registry.AvroSerde}
 * refuses it before the send), dead-letters the input that made it and the stage goes on. An output must
 * never reach the producer too large: under exactly-once a failed send leaves the transaction unusable, so
 * no dead letter could be written and the stage would stop. Other send errors (authorization, a missing
 * topic) would fail every record alike, so they stop the stage.
 */
public final class DeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {

    /** Header naming the stage (application id) that gave up on the record. */
    public static final String HEADER_STAGE = "toolace.stage";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final AtomicLong COUNT = new AtomicLong();

    private String topic;
    private String stage;

    @Override
    public void configure(final Map<String, ?> configs) {
        topic = String.valueOf(configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
        stage = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    /** Records dead-lettered by this JVM so far, for progress lines and metrics. */
    public static long count() {
        return COUNT.get();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
            final ConsumerRecord<byte[], byte[]> record, final Exception exception) {
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, record.key(), record.value(), exception, false)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context,
            final Record<?, ?> record, final Exception exception) {
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter(context, context.sourceRawKey(),
                context.sourceRawValue(), exception, !(exception instanceof PoisonRecordException))));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(final ErrorHandlerContext context,
            final ProducerRecord record, final Exception exception, final SerializationExceptionOrigin origin) {
        return ProductionExceptionHandler.Response.resume(List.of(deadLetter(context, context.sourceRawKey(),
                context.sourceRawValue(), exception, true)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(final ErrorHandlerContext context, final byte[] key,
            final byte[] value, final Exception exception, final boolean bug) {
        COUNT.incrementAndGet();
        if (bug) {
            LOG.warn("dead-lettered {}-{}@{} in {}: {}", context.topic(), context.partition(), context.offset(), stage,
                    describe(exception), exception);
        } else {
            LOG.warn("dead-lettered {}-{}@{} in {}: {}", context.topic(), context.partition(), context.offset(), stage,
                    describe(exception));
        }
        return new ProducerRecord<>(topic, null, key, value,
                headers(stage, context.topic(), context.partition(), context.offset(), exception));
    }

    /** The error headers every dead letter carries, whoever writes it (a stage or the gateway). */
    public static Headers headers(final String stage, final String sourceTopic, final int partition,
            final long offset, final Throwable error) {
        final Headers headers = new RecordHeaders();
        headers.add(HEADER_ERRORS_EXCEPTION_NAME, utf8(error.getClass().getName()));
        headers.add(HEADER_ERRORS_EXCEPTION_MESSAGE_NAME, utf8(describe(error)));
        headers.add(HEADER_ERRORS_TOPIC_NAME, utf8(sourceTopic));
        headers.add(HEADER_ERRORS_PARTITION_NAME, utf8(Integer.toString(partition)));
        headers.add(HEADER_ERRORS_OFFSET_NAME, utf8(Long.toString(offset)));
        headers.add(HEADER_STAGE, utf8(stage));
        return headers;
    }

    /**
     * The exception and its causes' messages on one line: the reason an operator reads. A cause whose
     * message its wrapper already quotes is not repeated.
     */
    public static String describe(final Throwable error) {
        final StringBuilder out = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            final String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(message) >= 0) {
                continue;
            }
            if (out.length() > 0) {
                out.append(": ");
            }
            out.append(message);
        }
        return out.toString();
    }

    public static void countGatewayDeadLetter() {
        COUNT.incrementAndGet();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

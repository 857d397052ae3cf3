package io.toolace.stream.kafka;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The largest value a stage writes, checked when it is serialized. Why there and not at the send: under
 * exactly-once a send the producer refuses as too large leaves the transaction unusable, so the stage
 * could not even dead-letter the input and would stop; a serialization error instead goes to
 * {@link DeadLetters}, which dead-letters the input and lets the stage go on. The limit is the producer's
 * default {@code max.request.size} and the broker's default {@code message.max.bytes} (both about 1 MiB, 1,048,576
 * and 1,048,588 bytes) less about 8 KB for the key, the headers and the batch.
 */
public final class RecordLimit {

    /** Bytes a serialized value may have. */
    public static final int MAX_VALUE_BYTES = 1_040_000;

    private RecordLimit() {}

    /** {@code values}, refusing any value over {@link #MAX_VALUE_BYTES} with a {@link SerializationException}. */
    public static <V> Serializer<V> enforced(final Serializer<V> values) {
        return new Serializer<>() {
            @Override
            public byte[] serialize(final String topic, final V value) {
                return checked(topic, values.serialize(topic, value));
            }

            @Override
            public byte[] serialize(final String topic, final Headers headers, final V value) {
                return checked(topic, values.serialize(topic, headers, value));
            }

            @Override
            public void close() {
                values.close();
            }
        };
    }

    private static byte[] checked(final String topic, final byte[] bytes) {
        if (bytes != null && bytes.length > MAX_VALUE_BYTES) {
            throw new SerializationException("a value of " + bytes.length + " bytes for " + topic
                    + " is over the record limit of " + MAX_VALUE_BYTES + " bytes");
        }
        return bytes;
    }
}

package io.toolace.stream.kafka.registry;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one generated Avro record class in Confluent's wire format: magic byte 0, the writer
 * schema's registry id as a 4-byte big-endian int, then the Avro binary encoding.
 *
 * <p>Serializing registers the class's schema under the subject the {@link SubjectNameStrategy}
 * names, once per topic; or, with auto-registration off, only looks its id up there and fails
 * naming the subject when the schema is not registered. Deserializing fetches the writer schema by
 * id, once per id, and resolves it into the class's schema, so records written with an older or
 * newer compatible schema read fine. After warm-up no record costs a registry request; encoders, decoders and buffers are
 * reused per thread. One instance may serve many threads, as Streams does with DSL serdes.
 *
 * <p>Bytes that are not a record of this class (wrong magic byte, unknown schema id, truncated or
 * trailing data, an incompatible writer schema, a string that is not valid UTF-8) fail with a
 * {@link SerializationException} that says which and why; Streams' deserialization exception handler can then route the record to
 * the dead-letter topic. A null value (a tombstone) maps to null both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 1 + Integer.BYTES;

    private final Class<T> type;
    private final RegistryClient registry;
    private final SubjectNameStrategy strategy;
    private final boolean isKey;
    private final boolean autoRegister;
    private final Schema schema;
    private final SpecificData model;
    private final SpecificDatumWriter<T> writer;
    private final BoundedCache<String, Integer> writerIdsByTopic;
    private final BoundedCache<Integer, StrictUtf8Decoder.Reader<T>> readersByWriterId;
    private final ThreadLocal<Codec> codecs = ThreadLocal.withInitial(Codec::new);

    /** The reusable per-thread state: a growable output buffer and the last encoder and decoder. */
    private static final class Codec {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
        final StrictUtf8Decoder strict = new StrictUtf8Decoder();
    }

    /** A serde that registers its schema where it is missing. */
    public AvroSerde(final Class<T> type, final RegistryClient registry, final SubjectNameStrategy strategy,
                     final boolean isKey) {
        this(type, registry, strategy, isKey, true);
    }

    /**
     * @param autoRegister whether serializing registers the schema, or only looks it up (Confluent's
     *     {@code auto.register.schemas})
     */
    public AvroSerde(final Class<T> type, final RegistryClient registry, final SubjectNameStrategy strategy,
                     final boolean isKey, final boolean autoRegister) {
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.writerIdsByTopic = new BoundedCache<>(registry.cacheCapacity());
        this.readersByWriterId = new BoundedCache<>(registry.cacheCapacity());
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        TrustedClasses.trustNamedTypesOf(schema);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    /** A value serde with subjects {@code <topic>-value}. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(final Class<T> type, final RegistryClient registry) {
        return new AvroSerde<>(type, registry, SubjectNameStrategy.TOPIC, false);
    }

    /** A key serde with subjects {@code <topic>-key}. */
    public static <T extends SpecificRecord> AvroSerde<T> forKeys(final Class<T> type, final RegistryClient registry) {
        return new AvroSerde<>(type, registry, SubjectNameStrategy.TOPIC, true);
    }

    /** The class's schema: what this serde writes and what it resolves every writer schema into. */
    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(final String topic, final T record) {
        if (record == null) {
            return null;
        }
        final int id = writerId(topic);
        final Codec codec = codecs.get();
        codec.out.reset();
        codec.out.write(MAGIC_BYTE);
        codec.out.write(id >>> 24);
        codec.out.write(id >>> 16);
        codec.out.write(id >>> 8);
        codec.out.write(id);
        try {
            codec.encoder = EncoderFactory.get().directBinaryEncoder(codec.out, codec.encoder);
            writer.write(record, codec.encoder);
            codec.encoder.flush();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
        return codec.out.toByteArray();
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_SIZE) {
            throw new SerializationException(String.format("Cannot deserialize %s from topic %s: %d bytes, fewer than"
                    + " the %d-byte header of the registry wire format", type.getSimpleName(), topic, data.length, HEADER_SIZE));
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format("Cannot deserialize %s from topic %s: magic byte 0x%02x,"
                    + " expected 0x00 (not written by a schema registry serializer)", type.getSimpleName(), topic, data[0]));
        }
        final int id = ByteBuffer.wrap(data, 1, Integer.BYTES).getInt();
        final StrictUtf8Decoder.Reader<T> reader = reader(topic, id);
        final Codec codec = codecs.get();
        final T record;
        try {
            codec.decoder = DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, codec.decoder);
            record = reader.read(null, codec.strict.on(codec.decoder));
            if (!codec.decoder.isEnd()) {
                throw new IOException("trailing bytes after the record");
            }
        } catch (final IOException | RuntimeException e) {
            final Exception cause = e instanceof StrictUtf8Decoder.MalformedStringException malformed
                    ? StrictUtf8Decoder.locate(malformed, reader.getSchema(), schema, model, data, HEADER_SIZE)
                    : e;
            throw new SerializationException(String.format("Cannot deserialize %s from topic %s with schema id %d"
                    + " (%d bytes): %s", type.getSimpleName(), topic, id, data.length, describe(cause)), cause);
        }
        return record;
    }

    /** Nothing to configure: an instance is built with its registry, and Streams uses it as given. */
    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    private int writerId(final String topic) {
        final Integer cached = writerIdsByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        final String subject = strategy.subject(topic, isKey, schema);
        final int id;
        try {
            id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (final RegistryException e) {
            if (!autoRegister && e.isNotFound()) {
                throw new SerializationException("Cannot serialize " + type.getSimpleName() + " for topic " + topic
                        + ": its schema " + schema.getFullName() + " is not registered under subject '" + subject
                        + "' in " + registry.url() + ", and auto.register.schemas is false: register it first ("
                        + e.getMessage() + ")", e);
            }
            throw new SerializationException("Cannot " + (autoRegister ? "register" : "look up") + " the schema of "
                    + type.getName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
        writerIdsByTopic.putIfAbsent(topic, id);
        return id;
    }

    private StrictUtf8Decoder.Reader<T> reader(final String topic, final int id) {
        final StrictUtf8Decoder.Reader<T> cached = readersByWriterId.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (final RegistryException e) {
            throw new SerializationException(String.format("Cannot deserialize %s from topic %s: schema id %d: %s",
                    type.getSimpleName(), topic, id, e.getMessage()), e);
        }
        // Checked once per id, so a writer schema this class cannot read fails with the reason, not mid-record.
        final String problems = Compatibility.problems(schema, writerSchema);
        if (!problems.isEmpty()) {
            throw new SerializationException(String.format("Cannot deserialize %s from topic %s: writer schema id %d (%s)"
                    + " cannot be read as %s: %s", type.getSimpleName(), topic, id, writerSchema.getFullName(),
                    type.getName(), problems));
        }
        final StrictUtf8Decoder.Reader<T> reader = new StrictUtf8Decoder.Reader<>(writerSchema, schema, model);
        readersByWriterId.putIfAbsent(id, reader);
        return reader;
    }

    private static String describe(final Exception e) {
        if (e instanceof StrictUtf8Decoder.MalformedStringException) {
            return e.getMessage();
        }
        return e instanceof EOFException ? "truncated data" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}

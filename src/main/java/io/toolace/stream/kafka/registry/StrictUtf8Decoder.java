package io.toolace.stream.kafka.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.Utf8;

/**
 * A decoder that refuses malformed UTF-8 in strings. Avro's own decoders turn such bytes into
 * U+FFFD and carry on, so a corrupted record would flow through every stage with its text
 * silently changed; refusing it makes the record fail to deserialize, and the stage dead-letters
 * it with the reason.
 *
 * <p>Wraps the binary decoder of one thread; {@link #on} points it at the next record's decoder.
 */
final class StrictUtf8Decoder extends Decoder {

    private static final char REPLACEMENT = '\uFFFD';

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private Decoder in;
    private Utf8 scratch;

    StrictUtf8Decoder on(final Decoder decoder) {
        this.in = decoder;
        return this;
    }

    /** A string that is not valid UTF-8, with the path of fields that leads to it once the reader has added them. */
    static final class MalformedStringException extends IOException {
        private static final long serialVersionUID = 1L;
        private final Deque<String> path = new ArrayDeque<>();

        MalformedStringException within(final String field) {
            path.addFirst(field);
            return this;
        }

        @Override
        public String getMessage() {
            return "malformed UTF-8 in string field " + (path.isEmpty() ? "(top level)" : String.join(".", path));
        }
    }

    /**
     * The same failure with the path of the malformed field, found by decoding the record again
     * field by field: generated classes decode themselves (Avro's custom coders) and Avro's fast
     * reader builds readers of its own, both past the hook that names fields, and slowing every record down for the sake of the few that fail is no bargain.
     */
    static IOException locate(final MalformedStringException unnamed, final Schema writer, final Schema reader,
            final SpecificData model, final byte[] data, final int offset) {
        final SpecificData fieldByField = new SpecificData(model.getClassLoader());
        model.getConversions().forEach(fieldByField::addLogicalTypeConversion);
        fieldByField.setCustomCoders(false);
        fieldByField.setFastReaderEnabled(false);
        try {
            new Reader<>(writer, reader, fieldByField).read(null, new StrictUtf8Decoder()
                    .on(DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null)));
        } catch (final MalformedStringException named) {
            return named;
        } catch (final IOException | RuntimeException e) {
            // The first failure stands; this pass only looks for a name.
        }
        return unnamed;
    }

    /**
     * A reader that names the field whose string was malformed when it reads field by field: each
     * record level adds its field on the way out, so the message says {@code turns.text}.
     */
    static final class Reader<T> extends SpecificDatumReader<T> {
        Reader(final Schema writer, final Schema reader, final SpecificData model) {
            super(writer, reader, model);
        }

        @Override
        protected void readField(final Object record, final Schema.Field field, final Object oldDatum,
                final ResolvingDecoder in, final Object state) throws IOException {
            try {
                super.readField(record, field, oldDatum, in, state);
            } catch (final MalformedStringException e) {
                throw e.within(field.name());
            }
        }
    }

    @Override
    public String readString() throws IOException {
        scratch = in.readString(scratch);
        final String text = new String(scratch.getBytes(), 0, scratch.getByteLength(), StandardCharsets.UTF_8);
        // Only a replacement character can mean a malformed sequence, and valid text rarely holds one.
        if (text.indexOf(REPLACEMENT) >= 0) {
            check(scratch);
        }
        return text;
    }

    @Override
    public Utf8 readString(final Utf8 old) throws IOException {
        final Utf8 text = in.readString(old);
        final byte[] bytes = text.getBytes();
        for (int i = 0; i < text.getByteLength(); i++) {
            if (bytes[i] < 0) {
                check(text);
                break;
            }
        }
        return text;
    }

    private void check(final Utf8 text) throws MalformedStringException {
        try {
            utf8.reset().decode(ByteBuffer.wrap(text.getBytes(), 0, text.getByteLength()));
        } catch (final CharacterCodingException e) {
            throw new MalformedStringException();
        }
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public ByteBuffer readBytes(final ByteBuffer old) throws IOException {
        return in.readBytes(old);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(final byte[] bytes, final int start, final int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(final int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
        return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
        return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    @Override
    public int remainingBytes() {
        return in.remainingBytes();
    }
}

package io.toolace.stream.llm;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Lineage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The key under which the gateway caches an answer: a hash of what the answer depends on.
 *
 * <p>The issue asks for a hash of (endpoint, model, messages, parameters, sample index). A backend
 * does not expose its messages, but they are a pure function of the task, the prompt version and
 * the typed payload, so hashing those instead is equivalent. The parameters are the backend's
 * {@link LlmBackend#parameters()} plus what both backends derive their sampling seed from: the
 * correlation id, the step and the sample index (the procedural backend seeds by the request id, the
 * openai backend sends a {@code seed} of the correlation id, step and sample index). Leaving those out
 * would hand one evolution request the answer of another with the same input, which the procedural
 * backend itself would not give, and would collapse the distinct samples the planner wants.
 *
 * <p>Volatile fields are left out: the request's own {@code createdAtMs}, and every
 * {@link Lineage#getCreatedAtMs()} inside the payload (the planner stamps drafts with the wall clock,
 * so a re-planned or replayed draft would otherwise never hit). Maps (lineage agents) are hashed in
 * key order, since Avro writes a map in its iteration order.
 */
public final class CacheKey {

    private static final Schema PAYLOAD = LlmRequest.getClassSchema().getField("payload").schema();
    private static final int CREATED_AT = Lineage.getClassSchema().getField("createdAtMs").pos();

    private CacheKey() {}

    public static String of(final LlmBackend backend, final LlmRequest request) {
        return ContentHash.of(backend.name(), backend.parameters(), backend.model(), request.getTask().name(),
                request.getPromptVersion(), request.getCorrelationId(), Integer.toString(request.getStep()),
                Integer.toString(request.getSampleIndex()),
                Base64.getEncoder().encodeToString(canonicalPayload(request)));
    }

    /**
     * Avro binary of the payload with the volatile fields written as zero and maps in key order: the bytes a
     * canonicalised copy would encode to, written straight from the payload, which is not copied.
     */
    static byte[] canonicalPayload(final LlmRequest request) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new CanonicalWriter().write(request.getPayload(), encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes lineage timestamps as 0 and maps sorted by key, since Avro writes a map in its iteration order. */
    private static final class CanonicalWriter extends SpecificDatumWriter<Object> {

        CanonicalWriter() {
            super(PAYLOAD);
        }

        @Override
        protected void writeField(final Object datum, final Schema.Field field, final Encoder out, final Object state)
                throws IOException {
            if (datum instanceof Lineage && field.pos() == CREATED_AT) {
                write(field.schema(), 0L, out);
            } else {
                super.writeField(datum, field, out, state);
            }
        }

        @Override
        protected void writeMap(final Schema schema, final Object datum, final Encoder out) throws IOException {
            final Map<String, Object> sorted = new TreeMap<>();
            ((Map<?, ?>) datum).forEach((k, v) -> sorted.put(k.toString(), v));
            super.writeMap(schema, sorted, out);
        }
    }
}

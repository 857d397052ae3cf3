package io.toolace.stream.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson setup of the format layer. */
public final class Json {

    /**
     * Values read from JSON text nest at most Jackson's read limit deep; the formats put them a few
     * levels further down (a schema inside a tool list inside a record), so writing needs headroom
     * above that limit, or writing a sample that was read could fail.
     */
    private static final int MAX_WRITE_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH + 16;

    /**
     * Thread-safe once configured; shared because an ObjectMapper is costly to build. Trailing
     * tokens fail, so {@code [1] and more} is not mistaken for the JSON value {@code [1]}.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Writes the layout of Python's {@code json.dumps} ({@code ", "} and {@code ": "}, one line), the
     * layout ToolACE, BFCL and LLaMA-Factory files use, so exported files diff cleanly against them.
     */
    private static final ObjectWriter PYTHON_LAYOUT = MAPPER.writer(new PythonLayout());

    /** Reads one value and stops, for JSON embedded in prose. */
    private static final ObjectReader PREFIX_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    public static String write(final JsonNode node) {
        try {
            return PYTHON_LAYOUT.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            // Only a custom serializer or a tree deeper than anything read can fail, and plain nodes have no serializer.
            throw new UncheckedIOException("cannot serialise a JSON tree", e);
        }
    }

    /** Parses JSON text, or returns {@code null} when it is not exactly one JSON value. */
    public static JsonNode parseOrNull(final String text) {
        try {
            final JsonNode node = MAPPER.readTree(text);
            return node.isMissingNode() ? null : node;
        } catch (final JsonProcessingException notJson) {
            return null;
        }
    }

    /** Parses JSON text. */
    public static JsonNode parse(final String text) throws JsonProcessingException {
        final JsonNode node = MAPPER.readTree(text);
        if (node.isMissingNode()) {
            throw new JsonParseException(null, "no JSON value in an empty text");
        }
        return node;
    }

    /**
     * Reads the one JSON value that starts at {@code offset} and ignores the text after it; returns
     * {@code null} when no JSON value starts there.
     */
    static JsonNode parsePrefixOrNull(final String text, final int offset) {
        try (JsonParser parser = MAPPER.getFactory().createParser(text.substring(offset))) {
            final JsonNode node = PREFIX_READER.readTree(parser);
            return node == null || node.isMissingNode() ? null : node;
        } catch (final IOException notJsonHere) {
            return null;
        }
    }

    private static final class PythonLayout extends MinimalPrettyPrinter {

        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(final JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(final JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(final JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}

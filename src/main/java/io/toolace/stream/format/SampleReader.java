package io.toolace.stream.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Reads JSON-lines samples, one line at a time, in a forced format or detecting it per line (files
 * that mix formats exist). Never throws on bad input: a line that is no sample is a
 * {@link ReadResult.Unreadable} with the reason.
 */
public final class SampleReader {

    private final SampleFormat forced;

    /** @param forced the format every line is in, or {@code null} to detect it per line */
    public SampleReader(final SampleFormat forced) {
        this.forced = forced;
    }

    public static SampleReader detecting() {
        return new SampleReader(null);
    }

    public ReadResult read(final String line) {
        final JsonNode json;
        try {
            json = Json.parse(line);
        } catch (final JsonProcessingException e) {
            return new ReadResult.Unreadable(null, "not JSON: " + e.getOriginalMessage());
        }
        if (!json.isObject()) {
            return new ReadResult.Unreadable(null, "the line is " + Records.kind(json) + ", expected a JSON object");
        }
        final Optional<SampleFormat> format = forced != null ? Optional.of(forced) : SampleFormat.detect(json);
        if (format.isEmpty()) {
            return new ReadResult.Unreadable(Records.id(json),
                    "no 'conversations' or 'messages' list, so no known sample format");
        }
        try {
            return new ReadResult.Read(format.get().read((ObjectNode) json), format.get());
        } catch (final MalformedSampleException e) {
            return new ReadResult.Unreadable(Records.id(json), format.get().id() + ": " + e.getMessage());
        }
    }
}

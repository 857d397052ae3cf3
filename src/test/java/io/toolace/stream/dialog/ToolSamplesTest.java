package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.format.Json;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exporting the assistant's formalized thinking beside its turns, in every dataset format. */
class ToolSamplesTest {

    private static final List<Sample> SAMPLES = ProceduralDialogs.samples(60, 0, 11);

    @Test
    void eachAssistantTurnsThinkingIsExportedBesideItAndTheLineStillReadsAsTheSameSample() throws Exception {
        for (final SampleFormat format : SampleFormat.values()) {
            for (final Sample sample : SAMPLES) {
                final String plain = ToolSamples.toLine(sample, format);
                final String withThinking = ToolSamples.toLine(sample, format, true);

                final List<List<String>> expected = new ArrayList<>();
                for (final Turn turn : sample.getTurns()) {
                    if (turn.getRole() == Role.ASSISTANT && !turn.getThinking().isEmpty()) {
                        expected.add(turn.getThinking());
                    }
                }
                assertThat(exportedThinking(Json.parse(withThinking), format)).as("%s %s", format, sample.getId())
                        .isEqualTo(expected);
                assertThat(exportedThinking(Json.parse(plain), format)).isEmpty();
                final ReadResult read = SampleReader.detecting().read(withThinking);
                assertThat(read).isInstanceOf(ReadResult.Read.class);
                assertThat(((ReadResult.Read) read).sample())
                        .isEqualTo(((ReadResult.Read) SampleReader.detecting().read(plain)).sample());
            }
        }
        assertThat(SAMPLES).anySatisfy(s -> assertThat(s.getTurns()).anyMatch(t -> !t.getThinking().isEmpty()));
    }

    private static List<List<String>> exportedThinking(final JsonNode line, final SampleFormat format) {
        final List<List<String>> found = new ArrayList<>();
        for (final JsonNode entry : line.path(format == SampleFormat.OPENAI ? "messages" : "conversations")) {
            if (entry.has("reasoning_content")) {
                found.add(List.of(entry.get("reasoning_content").asText().split("\n")));
            } else if (entry.has("thinking")) {
                final List<String> lines = new ArrayList<>();
                entry.get("thinking").forEach(t -> lines.add(t.asText()));
                found.add(lines);
            }
        }
        return found;
    }
}

package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The real records the fuzz properties mutate: the ToolACE and ShareGPT corpora as their lines, and
 * every answered BFCL case written in each of the three formats (the only source of OpenAI-format
 * lines). One small built-in dialog, in each format, keeps the properties running where the shared
 * corpora are absent.
 */
public final class FuzzCorpus {

    private static final List<String> LINES = loadLines();
    private static final List<String> CALL_LISTS = loadCallLists();

    private FuzzCorpus() {}

    /** Sample lines of all three formats. */
    public static List<String> lines() {
        return LINES;
    }

    /** Call lists as ToolACE writes them (verbatim from its release) and as the exporter prints BFCL's answers. */
    public static List<String> callLists() {
        return CALL_LISTS;
    }

    /** The samples of {@link #lines()}, as the detecting reader reads them. */
    public static List<ToolSample> samples() {
        final SampleReader reader = SampleReader.detecting();
        final List<ToolSample> samples = new ArrayList<>(LINES.size());
        for (final String line : LINES) {
            if (reader.read(line) instanceof ReadResult.Read read) {
                samples.add(read.sample());
            }
        }
        return samples;
    }

    private static List<String> loadLines() {
        final List<String> lines = new ArrayList<>();
        if (Files.isReadable(Corpora.TOOLACE_ORIGINAL)) {
            lines.addAll(Corpora.lines(Corpora.TOOLACE_ORIGINAL));
        }
        if (Files.isReadable(Corpora.SHAREGPT_FUNC)) {
            lines.addAll(Corpora.lines(Corpora.SHAREGPT_FUNC));
        }
        final List<ToolSample> written = new ArrayList<>();
        written.add(builtIn());
        if (BfclCorpus.present()) {
            for (final String category : BfclCorpus.ANSWERED) {
                BfclCorpus.answered(category).forEach(c -> written.add(c.sample()));
            }
        }
        for (final ToolSample sample : written) {
            for (final SampleFormat format : SampleFormat.values()) {
                lines.add(format.writeLine(sample));
            }
        }
        return List.copyOf(lines);
    }

    private static List<String> loadCallLists() {
        final List<String> calls = new ArrayList<>();
        for (final String line : LINES) {
            final JsonNode record = Json.parseOrNull(line);
            if (SampleFormat.detect(record).orElse(null) == SampleFormat.TOOLACE) {
                record.path("conversations").forEach(turn -> {
                    if (CallSyntax.looksLikeCallList(turn.path("value").asText(""))) {
                        calls.add(turn.get("value").textValue());
                    }
                });
            }
        }
        return List.copyOf(calls);
    }

    private static ToolSample builtIn() {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        final ObjectNode parameters = nodes.objectNode().put("type", "dict");
        parameters.putObject("properties").putObject("city").put("type", "string");
        parameters.putArray("required").add("city");
        final ToolSpec weather = new ToolSpec("get_weather", "Weather for a city.", parameters, null);
        final ObjectNode arguments = nodes.objectNode().put("city", "Paris");
        return new ToolSample("built-in", ToolDefinitions.toolAcePrompt(List.of(weather)), List.of(weather), List.of(
                Message.user("What is the weather in Paris?"),
                Message.calls(List.of(new FunctionCall("get_weather", arguments))),
                Message.tool(List.of(new ToolResult("get_weather", nodes.objectNode().put("sky", "sunny")))),
                Message.assistant("It is sunny in Paris.")));
    }
}

package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BFCL v4 corpus (../shared/data/bfcl) as samples, read by {@link BfclReader}: each question with
 * its possible answer becomes a query-to-calls sample whose last turn is the answer's call list.
 */
public final class BfclCorpus {

    public static final Path ROOT = Path.of("..", "shared", "data", "bfcl");
    public static final List<String> ANSWERED = List.of("simple_python", "multiple", "parallel", "parallel_multiple",
            "simple_java", "simple_javascript");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A question, its answer (null for categories without one) and the sample made of both. */
    public record Case(String id, JsonNode question, ToolSample sample) {}

    private BfclCorpus() {}

    public static boolean present() {
        return Files.isDirectory(ROOT.resolve("possible_answer"));
    }

    public static List<Case> answered(final String category) {
        final Map<String, JsonNode> answers = new HashMap<>();
        for (final JsonNode answer : lines(ROOT.resolve("possible_answer").resolve("BFCL_v4_" + category + ".json"))) {
            answers.put(answer.get("id").asText(), answer);
        }
        final List<Case> cases = new ArrayList<>();
        for (final JsonNode question : lines(ROOT.resolve("BFCL_v4_" + category + ".json"))) {
            final String id = question.get("id").asText();
            final JsonNode answer = answers.get(id);
            if (answer == null) {
                throw new IllegalStateException("no possible answer for " + id);
            }
            cases.add(new Case(id, question, toSample(question, answer)));
        }
        return cases;
    }

    /** The function definitions of every question of a category, answered or not. */
    public static List<ToolSpec> tools(final String category) {
        final List<ToolSpec> tools = new ArrayList<>();
        for (final JsonNode question : lines(ROOT.resolve("BFCL_v4_" + category + ".json"))) {
            tools.addAll(ToolDefinitions.fromArray(question.get("function")));
        }
        return tools;
    }

    static ToolSample toSample(final JsonNode question, final JsonNode answer) {
        final ReadResult read = BfclReader.read(question, answer);
        if (read instanceof ReadResult.Read sample) {
            return sample.sample();
        }
        throw new IllegalStateException(((ReadResult.Unreadable) read).reason());
    }

    private static List<JsonNode> lines(final Path file) {
        try {
            final List<JsonNode> nodes = new ArrayList<>();
            for (final String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    nodes.add(MAPPER.readTree(line));
                }
            }
            return nodes;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BFCL v4 corpus (../shared/data/bfcl) as samples: each question with its possible answer
 * becomes a query-to-calls sample whose last turn is the answer's call list.
 *
 * <p>A possible answer lists the acceptable values of each argument, and of each key of a nested
 * dict, at every level; {@code ""} means "may be omitted". The conversion takes the first value
 * that is not {@code ""}, so as many values as possible get type-checked, and leaves an argument
 * out when omission is its only acceptable value.
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
        final List<Message> messages = new ArrayList<>();
        String system = null;
        for (final JsonNode turn : question.get("question").get(0)) {
            final String role = turn.get("role").asText();
            if (role.equals("system")) {
                system = turn.get("content").asText();
            } else {
                messages.add(Message.user(turn.get("content").asText()));
            }
        }
        final List<FunctionCall> calls = new ArrayList<>();
        for (final JsonNode call : answer.get("ground_truth")) {
            final Map.Entry<String, JsonNode> only = call.fields().next();
            calls.add(new FunctionCall(only.getKey(), (ObjectNode) resolve(only.getValue())));
        }
        messages.add(Message.calls(calls));
        return new ToolSample(question.get("id").asText(), system, ToolDefinitions.fromArray(question.get("function")), messages);
    }

    /** A dict of acceptable-value lists becomes a dict of chosen values; lists are resolved item by item. */
    private static JsonNode resolve(final JsonNode value) {
        if (value.isObject()) {
            final ObjectNode chosen = MAPPER.createObjectNode();
            value.fields().forEachRemaining(field -> {
                for (final JsonNode acceptable : field.getValue()) {
                    if (!(acceptable.isTextual() && acceptable.textValue().isEmpty())) {
                        chosen.set(field.getKey(), resolve(acceptable));
                        return;
                    }
                }
            });
            return chosen;
        }
        if (value.isArray()) {
            final var items = MAPPER.createArrayNode();
            value.forEach(item -> items.add(resolve(item)));
            return items;
        }
        return value;
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

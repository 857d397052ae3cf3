package io.toolace.stream.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * BFCL (Berkeley Function Calling Leaderboard, v4) entries as samples. A question file holds one entry a
 * line, {@code {"id", "question": [[messages]], "function": [definitions]}}; the possible-answer file of
 * its category (in {@code possible_answer/} beside it, same name) holds per id
 * {@code {"id", "ground_truth": [{"function": {"argument": [acceptable values]}}, ...]}}.
 *
 * <p>An entry and its possible answer become an OpenAI record that is read like any other: the
 * question's messages, then one assistant turn calling every ground-truth function in order (the calls of
 * a parallel or parallel-multiple entry all in that one turn, as BFCL expects them). Each argument takes
 * its first acceptable value that is not {@code ""} or {@code null}, which BFCL writes for "may be left
 * out", so as many values as possible are type-checked; an argument with no other value is left out, and
 * a value given alone rather than in a list is taken as it is.
 * Dict values are resolved key by key in the same way, and the dicts inside lists item by item.
 *
 * <p>What gives no sample is an {@link ReadResult.Unreadable} with the reason, never dropped: an entry
 * that is not JSON or has no id, an entry without a possible answer (the irrelevance and live categories
 * have none: their right answer is no call, which BFCL does not write down), a multi-turn entry
 * (its answers are per turn, in another shape) and an answer whose calls cannot be read.
 */
public final class BfclReader {

    private static final String ANSWERS_FOLDER = "possible_answer";

    private final Map<String, JsonNode> answers;

    /** @param answers possible answers by entry id */
    public BfclReader(final Map<String, JsonNode> answers) {
        this.answers = Map.copyOf(answers);
    }

    /**
     * A reader with the possible answers of the files, merged by id (BFCL ids name their category, so
     * files of several categories do not collide). A line that is no answer goes to {@code problems},
     * with its file and line number, and is skipped: its question is then reported as having no answer.
     */
    public static BfclReader fromAnswerFiles(final List<Path> files, final Consumer<String> problems) throws IOException {
        final Map<String, JsonNode> answers = new HashMap<>();
        for (final Path file : files) {
            // Not Files.newBufferedReader: it fails on malformed UTF-8, where one bad line must not hide the rest.
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
                long number = 0;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    final String problem = addAnswer(line, answers);
                    if (problem != null) {
                        problems.accept(file + " line " + number + ": " + problem);
                    }
                }
            }
        }
        return new BfclReader(answers);
    }

    /**
     * Every entry of the question files in {@code folder} that have a possible-answer file beside them (the
     * categories with answers), in file-name order, then line order.
     */
    public static List<ReadResult> readAnswered(final Path folder, final Consumer<String> problems) throws IOException {
        final List<ReadResult> read = new ArrayList<>();
        final List<Path> questionFiles;
        try (Stream<Path> files = Files.list(folder)) {
            questionFiles = files.filter(f -> f.getFileName().toString().endsWith(".json") && answersBeside(f).isPresent())
                    .sorted().toList();
        }
        for (final Path questions : questionFiles) {
            final BfclReader reader = fromAnswerFiles(List.of(answersBeside(questions).orElseThrow()), problems);
            for (final String line : Files.readAllLines(questions, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    read.add(reader.read(line));
                }
            }
        }
        return read;
    }

    /** The possible-answer file of a question file, where BFCL keeps it, if it is there. */
    public static Optional<Path> answersBeside(final Path questions) {
        final Path parent = questions.toAbsolutePath().getParent();
        final Path answers = parent == null ? null : parent.resolve(ANSWERS_FOLDER).resolve(questions.getFileName());
        return answers != null && Files.isRegularFile(answers) ? Optional.of(answers) : Optional.empty();
    }

    private static String addAnswer(final String line, final Map<String, JsonNode> answers) {
        final JsonNode answer;
        try {
            answer = Json.parse(line);
        } catch (final JsonProcessingException e) {
            return "not JSON: " + e.getOriginalMessage();
        }
        if (!answer.path("id").isTextual()) {
            return "no 'id'";
        }
        if (answers.putIfAbsent(answer.get("id").textValue(), answer) != null) {
            return "a second possible answer for " + answer.get("id").textValue() + ", the first is kept";
        }
        return null;
    }

    /** How many possible answers the reader holds. */
    public int answers() {
        return answers.size();
    }

    /** One line of a question file as a sample, with its possible answer. */
    public ReadResult read(final String line) {
        final JsonNode question;
        try {
            question = Json.parse(line);
        } catch (final JsonProcessingException e) {
            return new ReadResult.Unreadable(null, "bfcl: not JSON: " + e.getOriginalMessage());
        }
        if (!question.path("id").isTextual()) {
            return new ReadResult.Unreadable(null, "bfcl: the entry has no 'id'");
        }
        final String id = question.get("id").textValue();
        final JsonNode answer = answers.get(id);
        if (answer == null) {
            return new ReadResult.Unreadable(id, "bfcl: no possible answer for " + id);
        }
        return read(question, answer);
    }

    /** An entry with its possible answer as a sample. */
    public static ReadResult read(final JsonNode question, final JsonNode answer) {
        try {
            return new ReadResult.Read(SampleFormat.OPENAI.read(toOpenAi(question, answer)), SampleFormat.OPENAI);
        } catch (final MalformedSampleException e) {
            return new ReadResult.Unreadable(question.path("id").asText(null), "bfcl: " + e.getMessage());
        }
    }

    private static ObjectNode toOpenAi(final JsonNode question, final JsonNode answer) throws MalformedSampleException {
        final JsonNode turns = question.path("question");
        if (!turns.isArray() || turns.isEmpty() || !turns.get(0).isArray()) {
            throw new MalformedSampleException("'question' is not a list of turns, each a list of messages");
        }
        if (turns.size() > 1) {
            throw new MalformedSampleException("a multi-turn entry (" + turns.size() + " turns): its answers are per turn, "
                    + "which this reader does not take");
        }
        final JsonNode functions = question.path("function");
        if (!functions.isArray()) {
            throw new MalformedSampleException("'function' is not a list of definitions");
        }
        final JsonNode truth = answer.path("ground_truth");
        if (!truth.isArray() || truth.isEmpty()) {
            throw new MalformedSampleException("the possible answer has no 'ground_truth' calls");
        }
        final ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("id", question.get("id").asText());
        final ArrayNode messages = record.putArray("messages");
        turns.get(0).forEach(messages::add);
        final ObjectNode assistant = messages.addObject();
        assistant.put("role", "assistant");
        assistant.putNull("content");
        final ArrayNode calls = assistant.putArray("tool_calls");
        for (final JsonNode call : truth) {
            if (!call.isObject() || call.isEmpty()) {
                throw new MalformedSampleException("a ground-truth call is " + Records.kind(call) + ", expected {name: arguments}");
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = call.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> function = it.next();
                if (!function.getValue().isObject()) {
                    throw new MalformedSampleException("the arguments of " + function.getKey() + " are "
                            + Records.kind(function.getValue()) + ", expected {argument: [acceptable values]}");
                }
                final ObjectNode tool = calls.addObject();
                tool.put("id", "call_" + (calls.size() - 1));
                tool.put("type", "function");
                tool.putObject("function").put("name", function.getKey()).set("arguments", firstAcceptable(function.getValue()));
            }
        }
        final ArrayNode tools = record.putArray("tools");
        functions.forEach(function -> tools.addObject().put("type", "function").set("function", function));
        return record;
    }

    /** A dict of acceptable-value lists as a dict of chosen values; see the class comment. */
    private static ObjectNode firstAcceptable(final JsonNode options) {
        final ObjectNode chosen = Json.MAPPER.createObjectNode();
        for (final Iterator<Map.Entry<String, JsonNode>> fields = options.fields(); fields.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isArray()) {
                // A few answers give a nested key one value instead of a list of them (simple_java_64).
                chosen.set(field.getKey(), resolve(field.getValue()));
                continue;
            }
            for (final JsonNode option : field.getValue()) {
                if (!option.isNull() && !(option.isTextual() && option.textValue().isEmpty())) {
                    chosen.set(field.getKey(), resolve(option));
                    break;
                }
            }
        }
        return chosen;
    }

    private static JsonNode resolve(final JsonNode value) {
        if (value.isObject()) {
            return firstAcceptable(value);
        }
        if (value.isArray()) {
            final ArrayNode items = Json.MAPPER.createArrayNode();
            for (final JsonNode item : value) {
                items.add(resolve(item));
            }
            return items;
        }
        return value;
    }
}

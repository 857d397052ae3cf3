package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BFCL question lines with their possible answers, read as samples; what is no sample says why. */
class BfclReaderTest {

    private static final String SIMPLE = "BFCL_v4_simple_python.json";
    private static final String PARALLEL_MULTIPLE = "BFCL_v4_parallel_multiple.json";

    @TempDir
    Path dir;

    @Test
    void aSimpleEntryIsTheQuestionThenOneCallWithTheFirstAcceptableValues() throws IOException {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        final BfclReader reader = readerFor(SIMPLE);

        final ToolSample sample = read(reader, line(SIMPLE, 0));

        assertThat(sample.id()).isEqualTo("simple_python_0");
        assertThat(sample.tools()).extracting(ToolSpec::name).containsExactly("calculate_triangle_area");
        assertThat(sample.messages()).hasSize(2);
        assertThat(sample.messages().get(0).role()).isEqualTo(Role.USER);
        assertThat(sample.messages().get(0).text()).startsWith("Find the area of a triangle");
        final FunctionCall call = sample.messages().get(1).calls().get(0);
        assertThat(call.name()).isEqualTo("calculate_triangle_area");
        assertThat(call.arguments()).isEqualTo(Json.parseOrNull("{\"base\": 10, \"height\": 5, \"unit\": \"units\"}"));
    }

    @Test
    void aParallelMultipleEntryCallsEveryFunctionInOneTurnAndLeavesOutWhatMayBeLeftOut() throws IOException {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        final BfclReader reader = readerFor(PARALLEL_MULTIPLE);

        final ToolSample first = read(reader, line(PARALLEL_MULTIPLE, 0));
        final ToolSample fourth = read(reader, line(PARALLEL_MULTIPLE, 3));

        assertThat(first.messages().get(1).calls()).extracting(FunctionCall::name)
                .containsExactly("math_toolkit.sum_of_multiples", "math_toolkit.product_of_primes");
        assertThat(first.messages().get(1).calls().get(0).arguments().get("multiples"))
                .isEqualTo(Json.parseOrNull("[3, 5]"));
        final List<FunctionCall> calls = fourth.messages().get(1).calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).arguments().has("tolerance")).as("only \"\" is acceptable: left out").isFalse();
        assertThat(calls.get(1).arguments().get("tolerance").doubleValue()).isEqualTo(0.1);
    }

    @Test
    void everyAnsweredEntryOfTheCorpusIsASample() throws IOException {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        final List<String> problems = new ArrayList<>();

        final List<ReadResult> read = BfclReader.readAnswered(BfclCorpus.ROOT, problems::add);

        long questions = 0;
        for (final String category : BfclCorpus.ANSWERED) {
            questions += Files.readAllLines(BfclCorpus.ROOT.resolve("BFCL_v4_" + category + ".json")).stream()
                    .filter(l -> !l.isBlank()).count();
        }
        assertThat(problems).isEmpty();
        assertThat(read).hasSize((int) questions).allSatisfy(r -> assertThat(r).isInstanceOf(ReadResult.Read.class));
        assertThat(read).extracting(ReadResult::id).doesNotHaveDuplicates().noneMatch(id -> id.startsWith("irrelevance"));
    }

    @Test
    void anEntryWithoutAPossibleAnswerIsUnreadableWithItsId() throws IOException {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        final BfclReader reader = readerFor(SIMPLE);

        final ReadResult read = reader.read(line("BFCL_v4_irrelevance.json", 0));

        assertThat(read).isEqualTo(new ReadResult.Unreadable("irrelevance_0", "bfcl: no possible answer for irrelevance_0"));
    }

    @Test
    void malformedQuestionsAreUnreadableWithTheReason() throws IOException {
        final Path answers = write("answers.json",
                "{\"id\": \"q1\", \"ground_truth\": [{\"f\": {\"x\": [1]}}]}",
                "{\"id\": \"q2\", \"ground_truth\": [{\"f\": [1]}]}",
                "{\"id\": \"q3\", \"ground_truth\": []}");
        final BfclReader reader = BfclReader.fromAnswerFiles(List.of(answers), problem -> { });
        final String function = "\"function\": [{\"name\": \"f\", \"description\": \"F.\", \"parameters\": {\"type\": \"dict\","
                + " \"properties\": {\"x\": {\"type\": \"integer\"}}}}]";
        final String question = "\"question\": [[{\"role\": \"user\", \"content\": \"x?\"}]]";

        assertThat(reason(reader.read("{\"id\": \"q1\", " + question + "}"))).isEqualTo("bfcl: 'function' is not a list of definitions");
        assertThat(reason(reader.read("{\"id\": \"q1\", \"question\": [[{\"role\": \"user\", \"content\": \"a\"}], [{\"role\": \"user\","
                + " \"content\": \"b\"}]], " + function + "}"))).startsWith("bfcl: a multi-turn entry (2 turns)");
        assertThat(reason(reader.read("{\"id\": \"q1\", \"question\": \"x?\", " + function + "}")))
                .isEqualTo("bfcl: 'question' is not a list of turns, each a list of messages");
        assertThat(reason(reader.read("{\"id\": \"q2\", " + question + ", " + function + "}")))
                .isEqualTo("bfcl: the arguments of f are a list, expected {argument: [acceptable values]}");
        assertThat(reason(reader.read("{\"id\": \"q3\", " + question + ", " + function + "}")))
                .isEqualTo("bfcl: the possible answer has no 'ground_truth' calls");
        assertThat(reason(reader.read("{\"question\": []}"))).isEqualTo("bfcl: the entry has no 'id'");
        assertThat(reason(reader.read("{\"id\": \"q1\",")))
                .startsWith("bfcl: not JSON");
        assertThat(reader.read("{\"id\": \"q1\", " + question + ", " + function + "}")).isInstanceOf(ReadResult.Read.class);
    }

    @Test
    void aBadPossibleAnswerLineIsReportedWithItsPlaceAndTheOthersAreKept() throws IOException {
        final Path answers = write("answers.json",
                "{\"id\": \"a\", \"ground_truth\": [{\"f\": {}}]}",
                "not json",
                "",
                "{\"ground_truth\": []}",
                "{\"id\": \"a\", \"ground_truth\": [{\"g\": {}}]}",
                "{\"id\": \"b\", \"ground_truth\": [{\"f\": {}}]}");
        final List<String> problems = new ArrayList<>();

        final BfclReader reader = BfclReader.fromAnswerFiles(List.of(answers), problems::add);

        assertThat(reader.answers()).isEqualTo(2);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith(answers + " line 2: not JSON");
        assertThat(problems.get(1)).isEqualTo(answers + " line 4: no 'id'");
        assertThat(problems.get(2)).isEqualTo(answers + " line 5: a second possible answer for a, the first is kept");
    }

    @Test
    void findsThePossibleAnswersWhereBfclKeepsThem() throws IOException {
        final Path questions = write("BFCL_v4_x.json", "{}");
        assertThat(BfclReader.answersBeside(questions)).isEmpty();

        Files.createDirectories(dir.resolve("possible_answer"));
        final Path answers = write("possible_answer/BFCL_v4_x.json", "{}");

        assertThat(BfclReader.answersBeside(questions)).contains(answers.toAbsolutePath());
    }

    private static BfclReader readerFor(final String questions) throws IOException {
        return BfclReader.fromAnswerFiles(List.of(BfclCorpus.ROOT.resolve("possible_answer").resolve(questions)), problem -> {
            throw new AssertionError(problem);
        });
    }

    private static String line(final String file, final int index) throws IOException {
        return Files.readAllLines(BfclCorpus.ROOT.resolve(file), StandardCharsets.UTF_8).get(index);
    }

    private static ToolSample read(final BfclReader reader, final String line) {
        final ReadResult read = reader.read(line);
        assertThat(read).isInstanceOf(ReadResult.Read.class);
        return ((ReadResult.Read) read).sample();
    }

    private static String reason(final ReadResult read) {
        assertThat(read).isInstanceOf(ReadResult.Unreadable.class);
        return ((ReadResult.Unreadable) read).reason();
    }

    private Path write(final String name, final String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }
}

package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.format.BfclCorpus;
import io.toolace.stream.format.Corpora;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void reportsEverySampleAndSummarises() throws IOException {
        final Path input = write("mixed.jsonl",
                SampleFormat.TOOLACE.writeLine(sample("a", "Paris")),
                "",
                SampleFormat.OPENAI.writeLine(sample(null, null)),
                "this is not json",
                SampleFormat.SHAREGPT.writeLine(sample("c", "Rome")));
        final Path report = dir.resolve("report.jsonl");

        final int exit = run("--report", report.toString(), input.toString());

        assertThat(exit).isZero();
        final List<JsonNode> lines = report(report);
        assertThat(lines).extracting(l -> l.get("id").asText()).containsExactly("a", "3", "4", "c");
        assertThat(lines.get(1).get("id").isNumber()).as("a line without id is named by its line number").isTrue();
        assertThat(lines).extracting(l -> l.get("passed").asBoolean()).containsExactly(true, false, false, true);
        final JsonNode missing = lines.get(1).get("failures").get(0);
        assertThat(missing.get("rule").asText()).isEqualTo("CALL_MISSING_REQUIRED");
        assertThat(missing.get("layer").asText()).isEqualTo("rule");
        assertThat(missing.get("turn").asInt()).isEqualTo(1);
        assertThat(missing.get("message").asText()).contains("'city'");
        assertThat(lines.get(2).get("failures").get(0).get("rule").asText()).isEqualTo("DIALOG_UNREADABLE");
        final List<String> summary = out.toString().lines().toList();
        assertThat(summary.get(summary.size() - 1)).isEqualTo("2 passed, 2 failed");
        assertThat(summary).anySatisfy(l -> assertThat(l).matches("CALL_MISSING_REQUIRED +1 +1"))
                .anySatisfy(l -> assertThat(l).matches("DIALOG_UNREADABLE +1 +1"));
    }

    @Test
    void strictExitsWithOneWhenASampleFails() throws IOException {
        final Path bad = write("bad.jsonl", SampleFormat.TOOLACE.writeLine(sample("x", null)));
        final Path good = write("good.jsonl", SampleFormat.TOOLACE.writeLine(sample("y", "Oslo")));

        assertThat(run("--strict", bad.toString())).isEqualTo(1);
        assertThat(run("--strict", good.toString())).isZero();
        assertThat(run(bad.toString())).isZero();
    }

    @Test
    void usageAndIoErrorsExitWithTwo() throws IOException {
        final Path good = write("good.jsonl", SampleFormat.TOOLACE.writeLine(sample("y", "Oslo")));

        assertThat(run(dir.resolve("absent.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("absent.jsonl");
        assertThat(run()).isEqualTo(2);
        assertThat(run("--format", "xml", good.toString())).isEqualTo(2);
        assertThat(run("--layers", "rule,oracle", good.toString())).isEqualTo(2);
        assertThat(run("--disable", "NO_SUCH_RULE", good.toString())).isEqualTo(2);
        assertThat(run("--disable", "DIALOG_UNREADABLE", good.toString())).isEqualTo(2);
        assertThat(run("--report", dir.resolve("no/such/dir/r.jsonl").toString(), good.toString())).isEqualTo(2);
    }

    @Test
    void theModelLayerIsLeftToThePipeline() throws IOException {
        final Path good = write("good.jsonl", SampleFormat.TOOLACE.writeLine(sample("y", "Oslo")));

        assertThat(run("--layers", "rule,model", good.toString())).isZero();

        assertThat(err.toString()).contains("model layer").contains("rule layer only");
        assertThat(out.toString()).endsWith("1 passed, 0 failed" + System.lineSeparator());
    }

    @Test
    void readsStandardInput() {
        final InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((SampleFormat.OPENAI.writeLine(sample("s", "Lima")) + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(run("--format", "openai", "-")).isZero();
        } finally {
            System.setIn(stdin);
        }
        assertThat(out.toString()).endsWith("1 passed, 0 failed" + System.lineSeparator());
    }

    @Test
    void disabledRulesAndLimitsApply() throws IOException {
        final Path bad = write("bad.jsonl", SampleFormat.TOOLACE.writeLine(sample("x", null)));

        assertThat(run("--strict", "--disable", "call_missing_required", bad.toString())).isZero();
        assertThat(run("--strict", "--max-turn-chars", "10", bad.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("DIALOG_TOO_LONG");
    }

    @Test
    void brokenUtf8IsAFailedSampleNotAnIoError() throws IOException {
        final byte[] good = (SampleFormat.TOOLACE.writeLine(sample("ok", "Oslo")) + "\n").getBytes(StandardCharsets.UTF_8);
        final byte[] broken = SampleFormat.TOOLACE.writeLine(sample("broken", "Oslo")).replace("How is", "How \u00ff is")
                .getBytes(StandardCharsets.ISO_8859_1);
        final Path input = dir.resolve("latin1.jsonl");
        Files.write(input, concat(broken, "\n".getBytes(StandardCharsets.UTF_8), good));
        final Path report = dir.resolve("r.jsonl");

        assertThat(run("--report", report.toString(), input.toString())).isZero();

        final List<JsonNode> lines = report(report);
        assertThat(lines.get(0).get("failures").get(0).get("rule").asText()).isEqualTo("DIALOG_INVALID_CHARS");
        assertThat(lines.get(1).get("passed").asBoolean()).isTrue();
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Test
    void namesTheFileOfEachReportLineWhenThereAreSeveral() throws IOException {
        final Path one = write("one.jsonl", SampleFormat.TOOLACE.writeLine(sample("a", "Oslo")));
        final Path two = write("two.jsonl", SampleFormat.TOOLACE.writeLine(sample("b", "Oslo")));
        final Path report = dir.resolve("r.jsonl");

        assertThat(run("--report", report.toString(), one.toString(), two.toString())).isZero();

        assertThat(report(report)).extracting(l -> l.get("file").asText()).containsExactly(one.toString(), two.toString());
        assertThat(out.toString()).endsWith("2 passed, 0 failed" + System.lineSeparator());
    }

    @Test
    void verifiesTheToolAceCorpora() {
        final List<String> original = Corpora.lines(Corpora.TOOLACE_ORIGINAL);
        final List<String> converted = Corpora.lines(Corpora.SHAREGPT_FUNC);

        assertThat(run(Corpora.TOOLACE_ORIGINAL.toString(), Corpora.SHAREGPT_FUNC.toString())).isZero();

        final String last = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        final String[] counts = last.split(" passed, | failed");
        assertThat(Integer.parseInt(counts[0]) + Integer.parseInt(counts[1])).isEqualTo(original.size() + converted.size());
        assertThat(out.toString()).contains("CALL_UNKNOWN_FUNCTION");
    }

    @Test
    void readsBfclQuestionsWithThePossibleAnswersBesideThem() throws IOException {
        final Path questions = BfclCorpus.ROOT.resolve("BFCL_v4_parallel.json");
        final Path report = dir.resolve("bfcl-report.jsonl");
        final long entries = Files.readAllLines(questions).stream().filter(l -> !l.isBlank()).count();

        assertThat(run("--format", "bfcl", "--report", report.toString(), questions.toString())).isZero();

        assertThat(report(report)).hasSize((int) entries).extracting(l -> l.get("id").asText()).allMatch(id -> id.startsWith("parallel_"))
                .doesNotHaveDuplicates();
        assertThat(out.toString()).doesNotContain("DIALOG_UNREADABLE").contains(" passed, ");
    }

    @Test
    void bfclQuestionsWithoutAnAnswerFailAsUnreadableAndBadAnswerLinesAreNamed() throws IOException {
        final String function = "\"function\": [{\"name\": \"f\", \"description\": \"F.\", \"parameters\": {\"type\": \"dict\","
                + " \"properties\": {\"x\": {\"type\": \"integer\"}}, \"required\": [\"x\"]}}]";
        final Path questions = write("questions.json",
                "{\"id\": \"q1\", \"question\": [[{\"role\": \"user\", \"content\": \"f of 1?\"}]], " + function + "}",
                "{\"id\": \"q2\", \"question\": [[{\"role\": \"user\", \"content\": \"f of 2?\"}]], " + function + "}");
        final Path answers = write("answers.json", "{\"id\": \"q1\", \"ground_truth\": [{\"f\": {\"x\": [1]}}]}", "{\"id\": \"q2\"");
        final Path report = dir.resolve("report.jsonl");

        assertThat(run("--format", "bfcl", "--answers", answers.toString(), "--report", report.toString(), questions.toString())).isZero();

        assertThat(err.toString()).contains(answers + " line 2: not JSON");
        final List<JsonNode> lines = report(report);
        assertThat(lines).extracting(l -> l.get("passed").asBoolean()).containsExactly(true, false);
        assertThat(lines.get(1).get("failures").get(0).get("message").asText()).isEqualTo("bfcl: no possible answer for q2");
        assertThat(out.toString()).endsWith("1 passed, 1 failed" + System.lineSeparator());
    }

    @Test
    void bfclWithoutPossibleAnswersIsAUsageError() throws IOException {
        final Path questions = write("questions.json", "{}");

        assertThat(run("--format", "bfcl", questions.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("possible_answer").contains("--answers");
        assertThat(run("--answers", questions.toString(), questions.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--answers is for --format bfcl");
        assertThat(run("--format", "bfcl", "--answers", dir.resolve("absent.json").toString(), questions.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("absent.json");
    }

    @Test
    void helpListsTheRuleCatalogue() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString()).contains("CALL_TYPE_MISMATCH").contains("MODEL_HALLUCINATION").contains("--report");
    }

    private int run(final String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final CommandLine command = new CommandLine(new VerifyCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private Path write(final String name, final String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    private static List<JsonNode> report(final Path report) throws IOException {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(report)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /** A one-call sample; a null city leaves the required argument out. */
    private static ToolSample sample(final String id, final String city) {
        final ToolSpec weather = new ToolSpec("Get Weather", "Forecast.", readTree(
                "{\"type\": \"dict\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}"), null);
        final var arguments = JSON.createObjectNode();
        if (city != null) {
            arguments.put("city", city);
        }
        return new ToolSample(id, ToolDefinitions.toolAcePrompt(List.of(weather)), List.of(weather), List.of(
                Message.user("How is the weather today?"),
                Message.calls(List.of(new FunctionCall("Get Weather", arguments))),
                Message.tool(List.of(new ToolResult("Get Weather", readTree("{\"sky\": \"clear\"}")))),
                Message.assistant("The sky is clear.")));
    }

    private static JsonNode readTree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

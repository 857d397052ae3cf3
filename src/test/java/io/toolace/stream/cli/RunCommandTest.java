package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.kafka.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} as a user runs it, stopped at a target and started again on the same data directory. */
class RunCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aSecondRunContinuesWhereTheFirstStoppedWithoutRepeatingASample() throws Exception {
        final Path data = dir.resolve("data");
        final Path out = dir.resolve("out/verified.jsonl");

        // Given a first run stopped after 40 verified samples, whose last progress line counts the file's lines
        final String console = run(data, out, 40);
        final List<String> first = Files.readAllLines(out);
        assertThat(first.size()).isGreaterThanOrEqualTo(40);
        final List<String> progress = console.lines().filter(line -> line.startsWith("verified ")).toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).startsWith("verified " + first.size() + " ");

        // When a second run on the same data directory goes on to 100, asking the backend inline: the drafts and
        // samples the first left waiting for the gateway's replies finish too
        final String inline = run(data, out, 100, "--inline-backend", "--stream-threads", "2");
        assertThat(inline).contains("agents and judges asked inline");
        assertThat(console).doesNotContain("asked inline");

        // Then the file holds the first run's lines unchanged, then new ones, no sample twice
        final List<String> all = Files.readAllLines(out);
        assertThat(all.size()).isGreaterThanOrEqualTo(100);
        assertThat(all.subList(0, first.size())).isEqualTo(first);
        final Set<String> distinct = new HashSet<>(all);
        assertThat(distinct).hasSize(all.size());
        for (final String line : all) {
            final JsonNode sample = JSON.readTree(line);
            assertThat(sample.get("system").asText()).isNotBlank();
            assertThat(sample.get("conversations").size()).isGreaterThanOrEqualTo(2);
            assertThat(sample.get("conversations").get(0).get("from").asText()).isEqualTo("user");
        }

        // and the pool and seeds carried over: nothing was admitted or fed twice
        try (Pipeline pipeline = Pipeline.start(PipelineConfig.builder(data).partitions(2).build(), Set.of(),
                Duration.ofMinutes(1))) {
            final List<String> pool = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().pool).stream()
                    .map(ConsumerRecord::key).collect(Collectors.toList());
            assertThat(pool).isNotEmpty().doesNotHaveDuplicates();
            final List<String> seeds = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().seeds).stream()
                    .map(ConsumerRecord::key).collect(Collectors.toList());
            assertThat(seeds).isNotEmpty().doesNotHaveDuplicates();
        }
    }

    @Test
    void aBackendThatCallsAServerIsNotAskedInline() {
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        final CommandLine run = new CommandLine(new RunCommand());
        run.setErr(new java.io.PrintWriter(errors, true, StandardCharsets.UTF_8));

        final int exit = run.execute("--data-dir", dir.resolve("data").toString(), "--backend", "openai", "--base-url",
                "http://127.0.0.1:9/v1", "--model", "m", "--inline-backend", "--http-port", "-1");

        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--inline-backend: the openai backend calls a server");
    }

    /** Runs {@code run} to {@code target} exported samples; returns what it printed, once it exited 0. */
    private static String run(final Path data, final Path out, final long target, final String... more) {
        final List<String> args = new ArrayList<>(List.of("--data-dir", data.toString(), "--out", out.toString(),
                "--target", Long.toString(target), "--partitions", "2", "--max-generation", "1",
                "--progress-every", "PT1S"));
        args.addAll(List.of(more));
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new RunCommand()).execute(args.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}

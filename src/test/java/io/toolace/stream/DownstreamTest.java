package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.cli.Main;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.examples.VerifiedSampleConsumer;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What reads the product of a verification run, on one small real run ({@link VerifiedRun}): a replay that
 * re-verifies {@code samples.candidates} under stricter rules, the export into each
 * format read back through {@code verify}, and a downstream consumer of the registry's wire format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownstreamTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private VerifiedRun run;
    private Pipeline pipeline;

    @BeforeAll
    void verifySomeDialogs() throws InterruptedException {
        CountingMeters.ensure();
        run = VerifiedRun.start(VerifiedRun.config(dir.resolve("data")), 40, TIMEOUT);
        pipeline = run.pipeline;
        assertThat(run.candidates.stream().map(Sample::getId)).doesNotHaveDuplicates();
    }

    @AfterAll
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void replayReVerifiesUnderAStricterTurnLimitAskingTheFreeBackendAgain() throws Exception {
        final Topics topics = pipeline.topics();
        final Map<String, Sample> before = decisions(topics);
        final List<Integer> verifiedTurns = before.values().stream().filter(DownstreamTest::passed)
                .map(DownstreamTest::turns).sorted().toList();
        // Given: a turn limit some verified samples exceed and others keep.
        final int maxTurns = verifiedTurns.get(verifiedTurns.size() / 2) - 1;
        assertThat(verifiedTurns).anyMatch(t -> t <= maxTurns).anyMatch(t -> t > maxTurns);
        final int productionVerified = TopicReader.readAll(pipeline.clientConfig(), topics.verified).size();
        final double missesBefore = Metrics.globalRegistry.counter("toolace.llm.cache", "result", "miss").count();

        // When: the range of samples.candidates from a day ago to an hour ahead (all of it) is re-verified under it.
        final Ran replayed = run("replay", "--topic", "samples.candidates", "--from", "P1D", "--to",
                Instant.now().plus(Duration.ofHours(1)).toString(), "--into", "verify", "--name", "stricter",
                "--max-turns", Integer.toString(maxTurns));

        // Then: every judge was asked again, none from the cache: the procedural backend's answers cost nothing and
        // are not cached (a paid backend's replay from the cache is LlmGatewayCacheTest's),
        assertThat(replayed.exit).as(replayed.out).isZero();
        assertThat(replayed.out).contains("replay stricter: " + run.candidates.size() + " records of samples.candidates");
        final Matcher llm = Pattern.compile("llm: (\\d+) requests answered, (\\d+) from the cache, (\\d+) new calls")
                .matcher(replayed.out);
        assertThat(llm.find()).as(replayed.out).isTrue();
        assertThat(Long.parseLong(llm.group(1))).isPositive();
        assertThat(llm.group(2)).isEqualTo("0");
        assertThat(llm.group(3)).isEqualTo(llm.group(1));
        assertThat(Metrics.globalRegistry.counter("toolace.llm.cache", "result", "miss").count()).isEqualTo(missesBefore);
        // the samples over the limit are rejected for it, the others decided as before,
        final Topics replay = topics.replay("stricter");
        final Map<String, Sample> after = decisions(replay);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        int flipped = 0;
        for (final Sample sample : after.values()) {
            final Sample original = before.get(sample.getId());
            if (turns(sample) > maxTurns) {
                assertThat(Samples.failedRules(sample)).as(sample.getId()).contains("DIALOG_TOO_LONG");
                flipped += passed(original) ? 1 : 0;
            } else {
                assertThat(Samples.failedRules(sample)).as(sample.getId()).isEqualTo(Samples.failedRules(original));
            }
        }
        assertThat(flipped).isPositive();
        assertThat(replayed.out).containsPattern(Pattern.quote(replay.verified.name()) + " +"
                + after.values().stream().filter(DownstreamTest::passed).count() + "\\n");
        // and production's samples.verified is untouched.
        assertThat(TopicReader.readAll(pipeline.clientConfig(), topics.verified)).hasSize(productionVerified);
        // A replay's outputs are of one range: its name is not fed twice.
        final Ran again = run("replay", "--topic", "samples.candidates", "--from", "0", "--into", "verify", "--name",
                "stricter");
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.out).contains("replay 'stricter' was fed before");
    }

    @Test
    void everyFormatExportedReadsBackThroughVerifyWithoutAFailure() throws IOException {
        final int verified = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified).size();
        assertThat(verified).isPositive();
        for (final SampleFormat format : SampleFormat.values()) {
            final Path file = dir.resolve("export-" + format.id() + ".jsonl");
            assertThat(run("export", "--format", format.id(), "--out", file.toString()).exit).isZero();
            assertThat(Files.readAllLines(file)).hasSize(verified);

            final Path report = dir.resolve("report-" + format.id() + ".jsonl");
            final Ran verify = run("verify", "--strict", "--format", format.id(), "--report", report.toString(),
                    file.toString());
            assertThat(verify.exit).as(verify.out).isZero();
            assertThat(verify.out).contains(verified + " passed, 0 failed");
            try (Stream<String> lines = Files.lines(report)) {
                assertThat(lines.map(DownstreamTest::json)).hasSize(verified)
                        .allMatch(line -> line.get("passed").asBoolean());
            }
        }
    }

    @Test
    void aSeededSplitIsStableAcrossRerunsAndEveryPartVerifies() throws IOException {
        final int verified = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified).size();
        final List<List<String>> runs = new ArrayList<>();
        for (final String attempt : List.of("a", "b")) {
            final Path out = dir.resolve(attempt).resolve("out.jsonl");
            final Ran export = run("export", "--format", "openai", "--dedup", "--split", "train=0.7,test=0.3",
                    "--seed", "42", "--out", out.toString());
            assertThat(export.exit).as(export.out).isZero();
            assertThat(export.out).contains("0 exact duplicates dropped");
            final List<String> train = Files.readAllLines(out.resolveSibling("out.train.jsonl"));
            final List<String> test = Files.readAllLines(out.resolveSibling("out.test.jsonl"));
            assertThat(train.size() + test.size()).isEqualTo(verified);
            assertThat(train).isNotEmpty().doesNotContainAnyElementsOf(test);
            runs.add(Stream.concat(train.stream().map(l -> "train " + l), test.stream().map(l -> "test " + l))
                    .sorted().toList());
            final Ran verify = run("verify", "--strict", out.resolveSibling("out.train.jsonl").toString(),
                    out.resolveSibling("out.test.jsonl").toString());
            assertThat(verify.exit).as(verify.out).isZero();
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }

    @Test
    void filtersKeepTheNamedDialogTypesOnly() throws IOException {
        final List<Sample> verified = TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified).stream()
                .map(ConsumerRecord::value).toList();
        final long single = verified.stream().filter(s -> s.getDialogType().name().equals("SINGLE")).count();
        assertThat(single).isPositive().isLessThan(verified.size());
        final Path out = dir.resolve("single.jsonl");
        final Ran export = run("export", "--dialog-type", "single", "--verdict", "MODEL_HALLUCINATION=pass",
                "--out", out.toString());
        assertThat(export.exit).as(export.out).isZero();
        assertThat(export.out).contains("exported " + single + " of " + verified.size() + " samples")
                .contains((verified.size() - single) + " filtered out");
        assertThat(Files.readAllLines(out)).hasSize((int) single);
    }

    @Test
    void aDownstreamConsumerReadsEveryVerifiedSampleThroughTheRegistry() throws Exception {
        final Set<String> expected = new HashSet<>();
        TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().verified).forEach(r -> expected.add(r.key()));
        final Set<String> read = new HashSet<>();
        try (VerifiedSampleConsumer consumer = new VerifiedSampleConsumer(pipeline.bootstrapServers(),
                pipeline.registryUrl(), pipeline.topics().verified.name(), "downstream-trainer")) {
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read.size() < expected.size() && System.nanoTime() < deadline) {
                for (final GenericRecord sample : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(read.add(sample.get("id").toString())).isTrue();
                    assertThat(sample.get("verdicts").toString()).doesNotContain("\"passed\": false");
                }
            }
        }
        assertThat(read).isEqualTo(expected);
        // The group keeps its place: a restarted consumer of it goes on from there.
        try (Admin admin = Admin.create(pipeline.clientConfig().clientProperties())) {
            assertThat(admin.listConsumerGroupOffsets("downstream-trainer").partitionsToOffsetAndMetadata().get()
                    .values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isGreaterThanOrEqualTo(read.size());
        }
    }

    private record Ran(int exit, String out) {}

    /** Runs a command of the jar against this run's broker and registry. */
    private Ran run(final String command, final String... args) {
        final List<String> line = new ArrayList<>(List.of(command));
        if (command.equals("export") || command.equals("replay")) {
            line.addAll(List.of("--bootstrap-servers", pipeline.bootstrapServers(), "--registry-url",
                    pipeline.registryUrl(), "--data-dir", dir.resolve("export-data").toString(), "--partitions", "2"));
        }
        line.addAll(List.of(args));
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        final int exit = cli.execute(line.toArray(String[]::new));
        return new Ran(exit, out.toString());
    }

    /** The decided samples of a verified and a rejected topic, by id: each decided once. */
    private Map<String, Sample> decisions(final Topics topics) {
        final List<ConsumerRecord<String, Sample>> records = new ArrayList<>(
                TopicReader.readAll(pipeline.clientConfig(), topics.verified));
        records.addAll(TopicReader.readAll(pipeline.clientConfig(), topics.rejected));
        final Map<String, Sample> byId = new HashMap<>();
        for (final ConsumerRecord<String, Sample> record : records) {
            assertThat(byId.put(record.key(), record.value())).as("decided once: " + record.key()).isNull();
        }
        return byId;
    }

    private static boolean passed(final Sample sample) {
        return Samples.failedRules(sample).isEmpty();
    }

    private static int turns(final Sample sample) {
        return ToolSamples.toToolSample(sample).messages().size();
    }

    private static JsonNode json(final String line) {
        try {
            return JSON.readTree(line);
        } catch (final IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}

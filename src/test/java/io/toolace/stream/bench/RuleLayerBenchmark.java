package io.toolace.stream.bench;

import io.toolace.stream.cli.VerifierBench;
import io.toolace.stream.dialog.ProceduralDialogs;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.dlv.VerifierRuleLayer;
import io.toolace.stream.format.BfclReader;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Verdict;
import io.toolace.stream.verify.Failure;
import io.toolace.stream.verify.RuleConfig;
import io.toolace.stream.verify.RuleVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the rule layer on one thread, in samples per second (each invocation verifies one
 * sample, cycling through the set). The goal is 50,000 samples/s on one core.
 *
 * <ul>
 *   <li>{@code verify}: {@link RuleVerifier#verify} on samples already read, per corpus:
 *       {@code toolace} = the real ToolACE records in {@code shared/data/toolace} (ShareGPT and
 *       original shape, read by {@link SampleReader}); {@code procedural} = pipeline samples made by
 *       the procedural backend and converted with {@link ToolSamples}; {@code bfcl} = BFCL questions
 *       with their possible answers, read by {@link BfclReader}.</li>
 *   <li>{@code ruleLayerCheck}: what the verification stage runs per pipeline sample,
 *       {@link VerifierRuleLayer#check} (Avro sample to neutral model, verify, verdicts).</li>
 *   <li>{@code readAndVerifyToolAceLine}: what {@code verify FILE} does per line: detect, parse, verify.</li>
 *   <li>{@code readBfclLine}: what {@code verify --format bfcl} does per line before verifying: parse a
 *       question line and read it with its possible answer ({@link BfclReader}).</li>
 * </ul>
 *
 * <p>Data from {@code -Dtoolace.data} (default {@code ../shared/data}, relative to the project).
 * Run: {@code mvn -B -ntp -Pbench test-compile exec:exec} (see the {@code bench} profile).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.toolace.stream.records"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RuleLayerBenchmark {

    static final Path DATA = Path.of(System.getProperty("toolace.data", "../shared/data"));
    /** Pipeline samples per fork: enough that the set does not fit in a core's cache. */
    static final int PROCEDURAL_SAMPLES = 2_000;
    /** The pipeline's default fault rate: most samples clean, some broken the way the generator breaks them. */
    static final double FAULT_RATE = 0.1;
    static final long SEED = 42L;

    private static final RuleVerifier VERIFIER = new RuleVerifier(RuleConfig.DEFAULTS);
    private static final VerifierRuleLayer RULE_LAYER = new VerifierRuleLayer(RuleConfig.DEFAULTS);

    /** Samples already in the verifier's neutral model. */
    @State(Scope.Benchmark)
    public static class Corpus {
        @Param({"toolace", "procedural", "bfcl"})
        public String corpus;

        ToolSample[] samples;
        int next;

        @Setup(Level.Trial)
        public void load() {
            final List<ToolSample> loaded = switch (corpus) {
                case "toolace" -> toolAceSamples();
                case "procedural" -> ProceduralDialogs.samples(PROCEDURAL_SAMPLES, FAULT_RATE, SEED).stream()
                        .map(ToolSamples::toToolSample).toList();
                case "bfcl" -> bfclSamples();
                default -> throw new IllegalArgumentException("no corpus " + corpus);
            };
            samples = loaded.toArray(ToolSample[]::new);
            describe(corpus, loaded);
        }

        ToolSample nextSample() {
            final ToolSample sample = samples[next];
            next = next + 1 == samples.length ? 0 : next + 1;
            return sample;
        }
    }

    /** Pipeline samples as the verification stage receives them. */
    @State(Scope.Benchmark)
    public static class PipelineSamples {
        Sample[] samples;
        int next;

        @Setup(Level.Trial)
        public void load() {
            samples = ProceduralDialogs.samples(PROCEDURAL_SAMPLES, FAULT_RATE, SEED).toArray(Sample[]::new);
        }
    }

    /** The ToolACE files' raw lines. */
    @State(Scope.Benchmark)
    public static class ToolAceLines {
        final SampleReader reader = SampleReader.detecting();
        String[] lines;
        int next;

        @Setup(Level.Trial)
        public void load() {
            lines = toolAceLines().toArray(String[]::new);
        }
    }

    /** BFCL question lines, with the possible answers of their categories. */
    @State(Scope.Benchmark)
    public static class BfclLines {
        BfclReader reader;
        String[] lines;
        int next;

        @Setup(Level.Trial)
        public void load() throws IOException {
            final List<Path> questions = bfclQuestionFiles();
            final List<Path> answers = questions.stream().map(q -> BfclReader.answersBeside(q).orElseThrow()).toList();
            reader = BfclReader.fromAnswerFiles(answers, problem -> {
                throw new IllegalStateException(problem);
            });
            final List<String> all = new ArrayList<>();
            for (final Path file : questions) {
                readLines(file).stream().filter(line -> !line.isBlank()).forEach(all::add);
            }
            lines = all.toArray(String[]::new);
        }
    }

    @Benchmark
    public List<Failure> verify(final Corpus corpus) {
        return VERIFIER.verify(corpus.nextSample());
    }

    @Benchmark
    public List<Verdict> ruleLayerCheck(final PipelineSamples state) {
        final Sample sample = state.samples[state.next];
        state.next = state.next + 1 == state.samples.length ? 0 : state.next + 1;
        return RULE_LAYER.check(sample);
    }

    @Benchmark
    public List<Failure> readAndVerifyToolAceLine(final ToolAceLines state) {
        final String line = state.lines[state.next];
        state.next = state.next + 1 == state.lines.length ? 0 : state.next + 1;
        final ReadResult read = state.reader.read(line);
        return read instanceof ReadResult.Read r ? VERIFIER.verify(r.sample()) : List.of();
    }

    @Benchmark
    public ReadResult readBfclLine(final BfclLines state) {
        final String line = state.lines[state.next];
        state.next = state.next + 1 == state.lines.length ? 0 : state.next + 1;
        return state.reader.read(line);
    }

    // ---- data ---------------------------------------------------------------------------------

    static List<String> toolAceLines() {
        final List<String> lines = new ArrayList<>();
        for (final String file : List.of("sharegpt_func.jsonl", "toolace_original.jsonl")) {
            for (final String line : readLines(DATA.resolve("toolace").resolve(file))) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    static List<ToolSample> toolAceSamples() {
        return VerifierBench.toolAce(DATA);
    }

    /** The BFCL question files that have a possible-answer file. */
    static List<Path> bfclQuestionFiles() {
        try (var files = Files.list(DATA.resolve("bfcl"))) {
            return files.filter(f -> BfclReader.answersBeside(f).isPresent()).sorted().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list " + DATA.resolve("bfcl").toAbsolutePath() + " (set -Dtoolace.data)", e);
        }
    }

    /** The BFCL entries with a possible answer, read by {@link BfclReader}. */
    static List<ToolSample> bfclSamples() {
        return VerifierBench.bfcl(DATA);
    }

    private static List<String> readLines(final Path file) {
        try {
            return Files.readAllLines(file);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + " (set -Dtoolace.data)", e);
        }
    }

    /** How many samples the set has and how many pass, so a figure can be read against what it measured. */
    static void describe(final String corpus, final List<ToolSample> samples) {
        final Map<String, Integer> rules = new HashMap<>();
        int passed = 0;
        long chars = 0;
        for (final ToolSample sample : samples) {
            final List<Failure> failures = VERIFIER.verify(sample);
            passed += failures.isEmpty() ? 1 : 0;
            failures.stream().map(Failure::rule).distinct().forEach(r -> rules.merge(r, 1, Integer::sum));
            chars += sample.system() == null ? 0 : sample.system().length();
            for (final var message : sample.messages()) {
                chars += message.text() == null ? 0 : message.text().length();
            }
        }
        System.out.printf("%n# corpus %s: %d samples, %d pass the rule layer, %d text chars a sample; failed rules %s%n",
                corpus, samples.size(), passed, samples.isEmpty() ? 0 : chars / samples.size(), rules);
    }
}

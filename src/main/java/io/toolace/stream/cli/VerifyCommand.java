package io.toolace.stream.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import io.toolace.stream.format.BfclReader;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.verify.Failure;
import io.toolace.stream.verify.Rule;
import io.toolace.stream.verify.RuleConfig;
import io.toolace.stream.verify.RuleVerifier;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: runs the rule layer of Dual-Layer Verification over function-calling datasets in
 * any supported format, including ones that never touched the pipeline. Streams line by line, so
 * file size is no limit.
 *
 * <p>Exit codes: 0 when it ran, 1 with {@code --strict} when a sample failed, 2 on a usage or I/O
 * error.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Verify function-calling samples (JSON lines) with the rule layer of Dual-Layer Verification.",
                "Prints failure counts per rule, then a last line 'N passed, M failed'."})
public final class VerifyCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyCommand.class);
    private static final int EXIT_FAILED_SAMPLES = 1;
    private static final int EXIT_USAGE_OR_IO = 2;
    private static final String STDIN = "-";
    private static final String BFCL = "bfcl";
    /** One report object per line: lines are separated by '\n', not by Jackson's default space. */
    private static final JsonFactory REPORT_JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    /** The layers a user may ask for. */
    enum Layer { RULE, MODEL }

    @Option(names = "--format", paramLabel = "F", converter = FormatConverter.class,
            description = "toolace, openai, sharegpt or bfcl; detected per line when left out, except bfcl (BFCL question"
                    + " files, read with their possible answers: see --answers)")
    private String format;

    @Option(names = "--answers", paramLabel = "POSSIBLE_ANSWER.json",
            description = "with --format bfcl: BFCL possible-answer files, repeatable, matched to questions by id; default:"
                    + " each question file's possible_answer/<same name>")
    private List<Path> answers = List.of();

    @Option(names = "--report", paramLabel = "R.jsonl",
            description = "write one JSON line per sample: {\"id\", \"passed\", \"failures\": [{\"rule\", \"layer\", \"turn\", \"message\"}]}")
    private Path report;

    @Option(names = "--layers", split = ",", paramLabel = "rule|rule,model", defaultValue = "rule",
            converter = LayerConverter.class, description = "verification layers (default: rule); the model layer needs the pipeline")
    private List<Layer> layers;

    @Option(names = "--strict", description = "exit with 1 when any sample fails")
    private boolean strict;

    @Mixin
    private RuleOptions rules = new RuleOptions();

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "JSON-lines files; '-' reads standard input")
    private List<String> files;

    private CommandSpec spec;

    /** Picocli injects the spec when the command line is built; the help then lists the rule catalogue. */
    @Spec
    void spec(final CommandSpec injected) {
        this.spec = injected;
        final List<String> footer = new ArrayList<>();
        for (final Rule.Layer layer : Rule.Layer.values()) {
            footer.add(layer == Rule.Layer.RULE ? "%nRule layer (ids for --disable):" : "%nModel layer (run by the pipeline):");
            for (final Rule rule : Rule.values()) {
                if (rule.layer() == layer) {
                    footer.add(String.format(Locale.ROOT, "  %-29s %s", rule.id(), rule.description()));
                }
            }
        }
        injected.usageMessage().footer(footer.toArray(String[]::new));
    }

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RuleConfig config;
        try {
            config = rules.config();
        } catch (final IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (layers.contains(Layer.MODEL)) {
            err.println("verify: the model layer (LLM judges) runs in the pipeline behind the LLM gateway; "
                    + "running the rule layer only.");
        }
        for (final String file : files) {
            if (!file.equals(STDIN) && !isReadableFile(file)) {
                err.println("verify: cannot read " + file);
                return EXIT_USAGE_OR_IO;
            }
        }
        final Function<String, ReadResult> reader;
        try {
            reader = reader(err);
        } catch (final IOException e) {
            err.println("verify: " + e.getMessage());
            return EXIT_USAGE_OR_IO;
        }
        final Tally tally = new Tally();
        // Streams built by hand, not Files.newBufferedReader/Writer: those fail on malformed UTF-8,
        // while a dataset line with broken bytes must become a failed sample (U+FFFD is an invalid char).
        try (Writer reportWriter = report == null ? null
                : new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(report), StandardCharsets.UTF_8), 1 << 16);
             JsonGenerator reportJson = reportWriter == null ? null : REPORT_JSON.createGenerator(reportWriter)) {
            final Run run = new Run(reader, new RuleVerifier(config), reportJson, files.size() > 1, tally);
            for (final String file : files) {
                run.file(file);
            }
        } catch (final NoSuchFileException e) {
            err.println("verify: no such file or directory: " + e.getFile());
            return EXIT_USAGE_OR_IO;
        } catch (final IOException e) {
            err.println("verify: " + e.getMessage());
            return EXIT_USAGE_OR_IO;
        }
        tally.print(out);
        out.flush();
        return strict && tally.failed > 0 ? EXIT_FAILED_SAMPLES : 0;
    }

    /**
     * How each line is read: as a sample of the given format or the one it looks like, or, for BFCL, as a
     * question with its possible answer. A possible-answer line that gives none is reported on stderr, and
     * its question then fails as one without an answer.
     */
    private Function<String, ReadResult> reader(final PrintWriter err) throws IOException {
        if (!BFCL.equals(format)) {
            if (!answers.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--answers is for --format bfcl");
            }
            return new SampleReader(format == null ? null : SampleFormat.byId(format))::read;
        }
        final List<Path> answerFiles = new ArrayList<>(answers);
        if (answerFiles.isEmpty()) {
            for (final String file : files) {
                final Optional<Path> beside = file.equals(STDIN) ? Optional.empty() : BfclReader.answersBeside(Path.of(file));
                if (beside.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "bfcl: no "
                            + Path.of("possible_answer", Path.of(file).getFileName().toString()) + " beside " + file + "; name the possible answers with --answers");
                }
                answerFiles.add(beside.get());
            }
        }
        for (final Path file : answerFiles) {
            if (!isReadableFile(file.toString())) {
                throw new IOException("cannot read " + file);
            }
        }
        final BfclReader bfcl = BfclReader.fromAnswerFiles(answerFiles, problem -> err.println("verify: bfcl: " + problem));
        LOG.info("read {} BFCL possible answers from {}", bfcl.answers(), answerFiles);
        return bfcl::read;
    }

    /** Checked before the run, so a typo in the last of many files fails at once, not after hours. */
    private static boolean isReadableFile(final String file) {
        try {
            final Path path = Path.of(file);
            // Not isRegularFile: a pipe such as <(zcat data.jsonl.gz) is a fine input.
            return Files.isReadable(path) && !Files.isDirectory(path);
        } catch (final InvalidPathException e) {
            return false;
        }
    }

    /** One verification run over the files, writing the report as it goes. */
    private record Run(Function<String, ReadResult> reader, RuleVerifier verifier, JsonGenerator report, boolean nameFiles, Tally tally) {

        void file(final String file) throws IOException {
            final long started = System.nanoTime();
            final long failedBefore = tally.failed;
            final long samplesBefore = tally.passed + tally.failed;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    file.equals(STDIN) ? System.in : Files.newInputStream(Path.of(file)), StandardCharsets.UTF_8), 1 << 16)) {
                long lineNumber = 0;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    lineNumber++;
                    if (!line.isBlank()) {
                        sample(file, lineNumber, line);
                    }
                }
            }
            if (report != null) {
                report.flush();
            }
            LOG.info("verified {} samples of {}, {} failed, in {} ms", tally.passed + tally.failed - samplesBefore, file,
                    tally.failed - failedBefore, (System.nanoTime() - started) / 1_000_000);
        }

        private void sample(final String file, final long lineNumber, final String line) throws IOException {
            final ReadResult read = reader.apply(line);
            final List<Failure> failures = read instanceof ReadResult.Read ok
                    ? verifier.verify(ok.sample())
                    : List.of(Failure.of(Rule.DIALOG_UNREADABLE, -1, ((ReadResult.Unreadable) read).reason()));
            tally.add(failures);
            if (report != null) {
                writeReportLine(file, lineNumber, read.id(), failures);
            }
        }

        private void writeReportLine(final String file, final long lineNumber, final String id, final List<Failure> failures)
                throws IOException {
            report.writeStartObject();
            if (nameFiles) {
                report.writeStringField("file", file);
            }
            if (id != null) {
                report.writeStringField("id", id);
            } else {
                report.writeNumberField("id", lineNumber);
            }
            report.writeBooleanField("passed", failures.isEmpty());
            report.writeArrayFieldStart("failures");
            for (final Failure failure : failures) {
                report.writeStartObject();
                report.writeStringField("rule", failure.rule());
                report.writeStringField("layer", failure.layer());
                report.writeNumberField("turn", failure.turn());
                report.writeStringField("message", failure.message());
                report.writeEndObject();
            }
            report.writeEndArray();
            report.writeEndObject();
            report.writeRaw('\n');
        }
    }

    /** Pass and fail counts, and per rule the failures and the samples they hit. */
    private static final class Tally {
        private long passed;
        private long failed;
        private final Map<Rule, long[]> perRule = new EnumMap<>(Rule.class);

        void add(final List<Failure> failures) {
            if (failures.isEmpty()) {
                passed++;
                return;
            }
            failed++;
            final EnumSet<Rule> hit = EnumSet.noneOf(Rule.class);
            for (final Failure failure : failures) {
                final Rule rule = Rule.valueOf(failure.rule());
                final long[] counts = perRule.computeIfAbsent(rule, r -> new long[2]);
                counts[1]++;
                if (hit.add(rule)) {
                    counts[0]++;
                }
            }
        }

        void print(final PrintWriter out) {
            if (!perRule.isEmpty()) {
                out.printf(Locale.ROOT, "%-30s %9s %9s%n", "rule", "samples", "failures");
                perRule.forEach((rule, counts) -> out.printf(Locale.ROOT, "%-30s %9d %9d%n", rule.id(), counts[0], counts[1]));
            }
            out.printf(Locale.ROOT, "%d passed, %d failed%n", passed, failed);
        }
    }

    /** A sample format's id, or {@code bfcl}. */
    static final class FormatConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(final String value) {
            if (BFCL.equalsIgnoreCase(value)) {
                return BFCL;
            }
            try {
                return SampleFormat.byId(value).id();
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage() + ", or bfcl");
            }
        }
    }

    static final class LayerConverter implements CommandLine.ITypeConverter<Layer> {
        @Override
        public Layer convert(final String value) {
            try {
                return Layer.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown layer '" + value + "'; expected rule or model");
            }
        }
    }
}

package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.BfclReader;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.verify.RuleConfig;
import io.toolace.stream.verify.RuleVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench verifier}: the rule layer's samples per CPU-second of the measuring thread, on one thread,
 * as {@link RuleVerifier#verify} sees samples already read: the ToolACE records in {@code DATA/toolace}
 * and the BFCL entries with a possible answer in {@code DATA/bfcl}, read by {@link BfclReader}. Each set
 * runs {@value #WARMUP_ROUNDS} warm-up rounds, then {@code rounds} rounds of one CPU-second; the figure is
 * the median round, with the slowest and fastest beside it.
 *
 * <p>The pipeline's own samples are not among the sets: the procedural dialogs the JMH benchmark uses are
 * made by test code (a pool and the turn loop driven without Kafka), which the jar does not ship.
 */
public final class VerifierBench {

    static final int WARMUP_ROUNDS = 5;
    private static final double CPU_SECONDS_PER_ROUND = 1.0;

    private VerifierBench() {}

    /** Where the scenario's JSON record goes (the {@code --json} file). */
    interface JsonSink {
        void append(ObjectNode result) throws IOException;
    }

    /** Runs the scenario: one result line on {@code out}, one JSON record to {@code json}; 0 when measured, 2 on a usage or data error. */
    static int run(final PrintWriter out, final PrintWriter err, final Path data, final int rounds, final JsonSink json)
            throws IOException {
        return run(out, err, data, rounds, WARMUP_ROUNDS, CPU_SECONDS_PER_ROUND, json);
    }

    /** As {@link #run(PrintWriter, PrintWriter, Path, int, JsonSink)} with other round lengths, for a test that cannot spend seconds. */
    static int run(final PrintWriter out, final PrintWriter err, final Path data, final int rounds, final int warmupRounds,
            final double cpuSecondsPerRound, final JsonSink json) throws IOException {
        if (rounds < 1) {
            err.println("bench verifier: --rounds must be at least 1");
            return 2;
        }
        final Map<String, List<ToolSample>> sets = new LinkedHashMap<>();
        try {
            sets.put("toolace", toolAce(data));
            sets.put("bfcl", bfcl(data));
        } catch (final UncheckedIOException | IllegalStateException e) {
            err.println("bench verifier: " + e.getMessage() + " (set --data)");
            return 2;
        }
        final RuleVerifier verifier = new RuleVerifier(RuleConfig.DEFAULTS);
        final ObjectNode result = JsonNodeFactory.instance.objectNode().put("scenario", "verifier").put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("data", data.toAbsolutePath().toString());
        result.put("rounds", rounds).put("warmupRounds", warmupRounds).put("cpuSecondsPerRound", cpuSecondsPerRound)
                .put("loadAverageAtStart", loadAverage());
        final List<String> figures = new ArrayList<>();
        for (final Map.Entry<String, List<ToolSample>> set : sets.entrySet()) {
            final ToolSample[] samples = set.getValue().toArray(ToolSample[]::new);
            final long passed = set.getValue().stream().filter(s -> verifier.verify(s).isEmpty()).count();
            final CpuTimeRate.Rates rates = CpuTimeRate.measure(i -> verifier.verify(samples[i % samples.length]).size(),
                    warmupRounds, rounds, cpuSecondsPerRound);
            result.putObject(set.getKey()).put("samples", samples.length).put("passed", passed)
                    .put("minPerCpuSecond", Math.round(rates.min())).put("medianPerCpuSecond", Math.round(rates.median()))
                    .put("maxPerCpuSecond", Math.round(rates.max()))
                    .put("medianPerWallSecond", Math.round(rates.medianPerWallSecond()));
            figures.add(String.format(Locale.ROOT, "%s %,.0f (min %,.0f, max %,.0f; %d samples, %d pass)", set.getKey(),
                    rates.median(), rates.min(), rates.max(), samples.length, passed));
        }
        result.put("loadAverageAtEnd", loadAverage());
        out.printf(Locale.ROOT, "verifier: rule-layer samples per CPU-second, median of %d rounds: %s; one thread, load %s%n",
                rounds, String.join(", ", figures), result.get("loadAverageAtEnd").asText());
        out.flush();
        json.append(result);
        return 0;
    }

    /** The ToolACE records of {@code data/toolace/*.jsonl} that read as samples. */
    public static List<ToolSample> toolAce(final Path data) {
        final Path folder = data.resolve("toolace");
        final SampleReader reader = SampleReader.detecting();
        final List<ToolSample> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && reader.read(line) instanceof ReadResult.Read read) {
                        samples.add(read.sample());
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + folder.toAbsolutePath(), e);
        }
        if (samples.isEmpty()) {
            throw new IllegalStateException("no ToolACE samples in " + folder.toAbsolutePath());
        }
        return samples;
    }

    /** The BFCL entries of {@code data/bfcl} that have a possible answer, as samples. */
    public static List<ToolSample> bfcl(final Path data) {
        final Path folder = data.resolve("bfcl");
        final List<ToolSample> samples = new ArrayList<>();
        try {
            for (final ReadResult read : BfclReader.readAnswered(folder, problem -> {
                throw new IllegalStateException("BFCL " + problem);
            })) {
                if (!(read instanceof ReadResult.Read sample)) {
                    throw new IllegalStateException("BFCL entry " + read.id() + " gives no sample: "
                            + ((ReadResult.Unreadable) read).reason());
                }
                samples.add(sample.sample());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + folder.toAbsolutePath(), e);
        }
        if (samples.isEmpty()) {
            throw new IllegalStateException("no BFCL entries with a possible answer in " + folder.toAbsolutePath());
        }
        return samples;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}

package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.DatasetSplit;
import io.toolace.stream.format.ExactDedup;
import io.toolace.stream.format.SampleFilter;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Sample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes a sample topic, as it stands now (committed records), to JSONL in one of the dataset formats:
 * filtered, optionally without exact repeats, optionally split into seeded parts.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export samples.verified (or another sample topic, or a replay's) to JSONL: toolace, openai or sharegpt.")
public final class ExportCommand implements Callable<Integer> {

    private static final List<String> SAMPLE_TOPICS = List.of("samples.verified", "samples.rejected", "samples.candidates");

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", defaultValue = "samples.verified",
            description = "Sample topic without the prefix: samples.verified, samples.rejected, samples.candidates,"
                    + " or a replay's, replay.<name>.samples.verified (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--format", defaultValue = "toolace",
            description = "toolace, openai or sharegpt (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--thinking",
            description = "Write each assistant turn's formalized thinking beside it (thinking; reasoning_content in openai).")
    boolean thinking;

    @Option(names = "--dialog-type", split = ",", paramLabel = "TYPE",
            description = "Keep these dialog types only: single, parallel, dependent, non_tool, clarify.")
    List<String> dialogTypes = new ArrayList<>();

    @Option(names = "--domain", split = ",", paramLabel = "DOMAIN", description = "Keep these domains only.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--verdict", split = ",", paramLabel = "RULE=pass|fail",
            description = "Keep samples whose verdict on the rule is this (a rule without a verdict passed), e.g."
                    + " MODEL_HALLUCINATION=fail on samples.rejected.")
    List<String> verdicts = new ArrayList<>();

    @Option(names = "--dedup", description = "Drop exact repeats: a line with the content hash of an earlier line.")
    boolean dedup;

    @Option(names = "--split", paramLabel = "NAME=SHARE,...",
            description = "Split into parts by a hash of --seed and the sample key, e.g. train=0.9,test=0.1: out.jsonl"
                    + " becomes out.train.jsonl and out.test.jsonl.")
    String split;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of --split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "The JSONL file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        final SampleFormat sampleFormat;
        final SampleFilter filter;
        final DatasetSplit parts;
        for (final String type : dialogTypes) {
            if (Arrays.stream(DialogType.values()).noneMatch(known -> known.name().equalsIgnoreCase(type.strip()))) {
                throw new ParameterException(spec.commandLine(), "no dialog type '" + type + "'; one of "
                        + Arrays.toString(DialogType.values()).toLowerCase(Locale.ROOT));
            }
        }
        try {
            sampleFormat = SampleFormat.byId(format);
            filter = SampleFilter.of(dialogTypes, domains, verdicts);
            parts = split == null ? null : DatasetSplit.parse(split, seed);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        final PrintWriter console = spec.commandLine().getOut();
        try (Pipeline pipeline = Pipeline.start(cluster.toBuilder().build(), Set.of(), Duration.ofMinutes(1))) {
            final Topics.Topic<Sample> source = sampleTopic(pipeline.topics());
            final Map<String, Path> files = files(parts);
            final Export export = new Export(filter, dedup ? new ExactDedup() : null, parts, sampleFormat);
            export.write(pipeline, source, files);
            console.printf("exported %d of %d samples from %s (%s): %d filtered out, %d exact duplicates dropped%n",
                    export.written, export.read, source.name(), format, export.filteredOut,
                    export.dedup == null ? 0 : export.dedup.duplicates());
            for (final Map.Entry<String, Path> file : files.entrySet()) {
                console.printf("  %-8s %6d  %s%n", file.getKey(), export.perFile.getOrDefault(file.getKey(), 0L),
                        file.getValue());
            }
        }
        console.flush();
        return 0;
    }

    private Topics.Topic<Sample> sampleTopic(final Topics topics) {
        Topics scope = topics;
        String name = topic;
        if (topic.startsWith(Topics.REPLAY) && topic.indexOf('.', Topics.REPLAY.length()) > 0) {
            final int end = topic.indexOf('.', Topics.REPLAY.length());
            scope = topics.replay(topic.substring(Topics.REPLAY.length(), end));
            name = topic.substring(end + 1);
        }
        final Map<String, Topics.Topic<Sample>> byName = Map.of(
                "samples.verified", scope.verified,
                "samples.rejected", scope.rejected,
                "samples.candidates", scope.sampleCandidates);
        final Topics.Topic<Sample> found = byName.get(name);
        if (found == null) {
            throw new ParameterException(spec.commandLine(), "no sample topic '" + topic + "'; one of " + SAMPLE_TOPICS
                    + ", or replay.<name>. and one of them");
        }
        return found;
    }

    /** The file of each part: {@code out.jsonl} alone, or {@code out.<part>.jsonl} per part of a split. */
    private Map<String, Path> files(final DatasetSplit parts) {
        final Map<String, Path> files = new LinkedHashMap<>();
        if (parts == null) {
            files.put("all", out);
            return files;
        }
        final String name = out.getFileName().toString();
        final String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        for (final String part : parts.names()) {
            files.put(part, out.resolveSibling(base + "." + part + ".jsonl"));
        }
        return files;
    }

    /** One export's pass over the topic: filter, format, dedup, split, with the counts. */
    private final class Export {
        private final SampleFilter filter;
        private final ExactDedup dedup;
        private final DatasetSplit parts;
        private final SampleFormat sampleFormat;
        private final Map<String, Long> perFile = new LinkedHashMap<>();
        private long read;
        private long filteredOut;
        private long written;

        Export(final SampleFilter filter, final ExactDedup dedup, final DatasetSplit parts,
                final SampleFormat sampleFormat) {
            this.filter = filter;
            this.dedup = dedup;
            this.parts = parts;
            this.sampleFormat = sampleFormat;
        }

        void write(final Pipeline pipeline, final Topics.Topic<Sample> source, final Map<String, Path> files)
                throws IOException {
            final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
            try {
                for (final Map.Entry<String, Path> file : files.entrySet()) {
                    if (file.getValue().toAbsolutePath().getParent() != null) {
                        Files.createDirectories(file.getValue().toAbsolutePath().getParent());
                    }
                    writers.put(file.getKey(), Files.newBufferedWriter(file.getValue(), StandardCharsets.UTF_8));
                }
                read = TopicScan.scan(pipeline.clientConfig(), source.name(), source.valueSerde().deserializer(),
                        Duration.ofHours(1), record -> {
                            final Sample sample = record.value();
                            if (!filter.accepts(sample.getDialogType().name(), sample.getDomain(),
                                    Set.copyOf(Samples.failedRules(sample)))) {
                                filteredOut++;
                                return;
                            }
                            final String line = ToolSamples.toLine(sample, sampleFormat, thinking);
                            if (dedup != null && !dedup.first(line)) {
                                return;
                            }
                            final String part = parts == null ? "all" : parts.assign(record.key());
                            try {
                                writers.get(part).write(line);
                                writers.get(part).newLine();
                            } catch (final IOException e) {
                                throw new UncheckedIOException("cannot write " + files.get(part) + ": " + e.getMessage(), e);
                            }
                            perFile.merge(part, 1L, Long::sum);
                            written++;
                        });
            } finally {
                for (final BufferedWriter writer : writers.values()) {
                    writer.close();
                }
            }
        }
    }
}

package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.records.Sample;
import io.toolace.stream.kafka.TopicScan;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a sample topic, as it stands now, to a JSONL file in one of the dataset formats. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export samples.verified (or another sample topic) to JSONL: toolace, openai or sharegpt.")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", defaultValue = "samples.verified",
            description = "Sample topic without the prefix: samples.verified, samples.rejected, samples.candidates (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--format", defaultValue = "toolace",
            description = "toolace, openai or sharegpt (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--thinking",
            description = "Write each assistant turn's formalized thinking beside it (thinking; reasoning_content in openai).")
    boolean thinking;

    @Option(names = "--out", required = true, description = "The JSONL file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        final SampleFormat sampleFormat = SampleFormat.byId(format);
        try (Pipeline pipeline = Pipeline.start(cluster.toBuilder().build(), Set.of(), Duration.ofMinutes(1))) {
            final Topics.Topic<Sample> source = sampleTopic(pipeline.topics());
            final long count = export(pipeline, source, sampleFormat);
            System.out.printf("exported %d samples from %s to %s (%s)%n", count, source.name(), out, format);
        }
        return 0;
    }

    private Topics.Topic<Sample> sampleTopic(final Topics topics) {
        final Map<String, Topics.Topic<Sample>> byName = Map.of(
                "samples.verified", topics.verified,
                "samples.rejected", topics.rejected,
                "samples.candidates", topics.sampleCandidates);
        final Topics.Topic<Sample> found = byName.get(topic);
        if (found == null) {
            throw new IllegalArgumentException("no sample topic '" + topic + "'; one of " + byName.keySet());
        }
        return found;
    }

    private long export(final Pipeline pipeline, final Topics.Topic<Sample> source, final SampleFormat sampleFormat)
            throws IOException {
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            return TopicScan.scan(pipeline.clientConfig(), source.name(), source.valueSerde().deserializer(),
                    Duration.ofHours(1), record -> {
                        try {
                            writer.write(ToolSamples.toLine(record.value(), sampleFormat, thinking));
                            writer.newLine();
                        } catch (final IOException e) {
                            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
                        }
                    });
        }
    }
}

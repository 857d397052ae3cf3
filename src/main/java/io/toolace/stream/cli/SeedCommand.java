package io.toolace.stream.cli;

import io.toolace.stream.Pipeline;
import io.toolace.stream.evolution.ImportResult;
import io.toolace.stream.evolution.SeedFiles;
import io.toolace.stream.kafka.TopicScan;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.SeedDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seed}: imports API-related documents into {@code api.seeds}, and the operations of OpenAPI /
 * Swagger specs into {@code api.candidates} as real APIs (see {@link SeedFiles} and
 * {@link io.toolace.stream.evolution.OpenApiImport}).
 *
 * <p>Each file is one transaction: its document and its APIs land together or not at all. A file
 * whose seed id (a content hash) is already in {@code api.seeds} is skipped with its APIs, so
 * running the command twice on the same files writes nothing the second time; {@code --force}
 * writes them again (the pool then rejects the repeated APIs as duplicates).
 *
 * <p>Exit codes: 0 when every file imported (or was already there), 1 when a file failed, 2 on a
 * usage error (no such path, nothing to import).
 */
@Command(name = "seed", mixinStandardHelpOptions = true, usageHelpWidth = 120,
        description = {"Import API documents into api.seeds: plain text (.txt), Markdown (.md, .markdown) and OpenAPI 3 / "
                + "Swagger 2 specs (.json, .yaml, .yml), whose operations also enter api.candidates as real APIs.",
                "Directories are walked. Ends with 'N documents, M APIs from K files'."})
public final class SeedCommand implements Callable<Integer> {

    private static final int EXIT_FILE_FAILED = 1;
    private static final int EXIT_USAGE = 2;
    private static final int MAX_WARNINGS_SHOWN = 5;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--force", description = "write documents (and their APIs) whose id is already in api.seeds again")
    boolean force;

    @Option(names = "--dry-run", description = "read and check the files and print what would be imported; touches no Kafka")
    boolean dryRun;

    @Option(names = "--builtin", description = "also import the procedural backend's built-in corpus (one manual per "
            + "domain); run feeds it by itself only when api.seeds is empty, so seeding your own files first leaves it out")
    boolean builtin;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "files or directories (walked for "
            + ".txt, .md, .markdown, .json, .yaml, .yml)")
    List<String> paths = List.of();

    @Spec
    CommandSpec spec;

    /** A file read and ready to write. */
    private record Loaded(Path file, SeedDocument seed, List<ApiDefinition> apis) {}

    @Override
    public Integer call() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<Path> files = new ArrayList<>();
        for (final String path : paths) {
            final String problem = expand(path, files);
            if (problem != null) {
                err.println("seed: " + problem);
                err.flush();
                return EXIT_USAGE;
            }
        }
        if (files.isEmpty() && !builtin) {
            err.println("seed: no seed files (" + String.join(", ", SeedFiles.extensions()) + ") in " + String.join(" ", paths));
            err.flush();
            return EXIT_USAGE;
        }

        int failed = 0;
        final List<Loaded> loaded = new ArrayList<>();
        final Map<String, Path> firstById = new HashMap<>();
        for (final Path file : files) {
            final ImportResult result = SeedFiles.read(file);
            if (result instanceof ImportResult.Failed failure) {
                err.println("seed: " + file + ": " + failure.reason());
                failed++;
                continue;
            }
            final ImportResult.Imported imported = (ImportResult.Imported) result;
            printWarnings(err, file, imported.warnings());
            final Path same = firstById.putIfAbsent(imported.seed().getId(), file);
            if (same != null) {
                out.println("skip " + file + ": same content as " + same);
                continue;
            }
            loaded.add(new Loaded(file, imported.seed(), imported.apis()));
        }
        if (builtin) {
            BuiltinSeeds.corpus().forEach(doc -> loaded.add(new Loaded(Path.of(doc.getId()), doc, List.of())));
        }

        final Tally tally = new Tally(files.size() + (builtin ? BuiltinSeeds.corpus().size() : 0), failed);
        if (dryRun) {
            for (final Loaded file : loaded) {
                describe(out, "would import", file);
                tally.imported(file);
            }
        } else if (!loaded.isEmpty()) {
            write(loaded, tally, out, err);
        }
        out.println(tally.summary(dryRun));
        out.flush();
        err.flush();
        return tally.failed > 0 ? EXIT_FILE_FAILED : 0;
    }

    /** Adds the file, or the seed files under the directory in name order; returns the problem or {@code null}. */
    private static String expand(final String name, final List<Path> into) {
        final Path path;
        try {
            path = Path.of(name);
        } catch (final InvalidPathException e) {
            return "not a path: " + name;
        }
        if (!Files.exists(path)) {
            return "no such file or directory: " + name;
        }
        if (!Files.isDirectory(path)) {
            into.add(path);
            return null;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile)
                    .filter(file -> !isHidden(path.relativize(file)))
                    .filter(file -> SeedFiles.typeOf(file.getFileName().toString()).isPresent())
                    .sorted()
                    .forEach(into::add);
        } catch (final IOException | UncheckedIOException e) {
            return "cannot walk " + name + ": " + e.getMessage();
        }
        return null;
    }

    /** Dot-files and dot-directories ({@code .git}) inside a walked directory are not seeds. */
    private static boolean isHidden(final Path relative) {
        for (final Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private void write(final List<Loaded> loaded, final Tally tally, final PrintWriter out, final PrintWriter err)
            throws InterruptedException {
        try (Pipeline pipeline = Pipeline.start(cluster.toBuilder().build(), Set.of(), Duration.ofMinutes(1))) {
            final Topics topics = pipeline.topics();
            final Set<String> present = force ? Set.of() : seedIds(pipeline);
            final Properties props = pipeline.clientConfig().clientProperties();
            // One id per prefix: a crashed run's open transaction is aborted by the next run at once.
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topics.prefix() + "seed");
            final Serializer<SeedDocument> seeds = topics.seeds.valueSerde().serializer();
            final Serializer<ApiDefinition> apis = topics.candidates.valueSerde().serializer();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.initTransactions();
                for (final Loaded file : loaded) {
                    if (present.contains(file.seed().getId())) {
                        out.println("skip " + file.file() + ": already in " + topics.seeds.name() + " as "
                                + file.seed().getId());
                        tally.skipped++;
                        continue;
                    }
                    final long now = System.currentTimeMillis();
                    try {
                        producer.beginTransaction();
                        for (final ApiDefinition api : file.apis()) {
                            final ApiDefinition stamped = ApiDefinition.newBuilder(api)
                                    .setLineage(Lineage.newBuilder(api.getLineage()).setCreatedAtMs(now).build())
                                    .build();
                            producer.send(new ProducerRecord<>(topics.candidates.name(), stamped.getId(),
                                    apis.serialize(topics.candidates.name(), stamped)));
                        }
                        producer.send(new ProducerRecord<>(topics.seeds.name(), file.seed().getId(),
                                seeds.serialize(topics.seeds.name(), file.seed())));
                        producer.commitTransaction();
                    } catch (final ProducerFencedException | OutOfOrderSequenceException | AuthorizationException fatal) {
                        // The producer cannot go on: every file from here on is not written.
                        throw fatal;
                    } catch (final KafkaException e) {
                        producer.abortTransaction();
                        // A failed send surfaces at commit as "in an error state"; the cause says why.
                        err.println("seed: " + file.file() + ": not written: "
                                + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
                        tally.failed++;
                        continue;
                    }
                    describe(out, "imported", file);
                    tally.imported(file);
                }
            }
        }
    }

    /** The ids already in {@code api.seeds}, read to its committed end. */
    private static Set<String> seedIds(final Pipeline pipeline) {
        final Set<String> ids = new HashSet<>();
        TopicScan.scan(pipeline.clientConfig(), pipeline.topics().seeds.name(), new ByteArrayDeserializer(),
                Duration.ofMinutes(5), record -> ids.add(record.key()));
        return ids;
    }

    private static void describe(final PrintWriter out, final String verb, final Loaded file) {
        final SeedDocument seed = file.seed();
        out.println(verb + " " + file.file() + ": " + seed.getKind() + " '" + seed.getTitle() + "' " + seed.getId()
                + (file.apis().isEmpty() ? "" : ", " + file.apis().size() + " APIs"));
    }

    private static void printWarnings(final PrintWriter err, final Path file, final List<String> warnings) {
        for (int i = 0; i < Math.min(MAX_WARNINGS_SHOWN, warnings.size()); i++) {
            err.println("seed: " + file + ": warning: " + warnings.get(i));
        }
        if (warnings.size() > MAX_WARNINGS_SHOWN) {
            err.println("seed: " + file + ": warning: and " + (warnings.size() - MAX_WARNINGS_SHOWN) + " more");
        }
    }

    /** What the run did, for the last line. */
    private static final class Tally {
        final int files;
        int failed;
        int skipped;
        long documents;
        long apis;

        Tally(final int files, final int failed) {
            this.files = files;
            this.failed = failed;
        }

        void imported(final Loaded file) {
            documents++;
            apis += file.apis().size();
        }

        String summary(final boolean dryRun) {
            final StringBuilder line = new StringBuilder();
            line.append(documents).append(documents == 1 ? " document, " : " documents, ")
                    .append(apis).append(apis == 1 ? " API from " : " APIs from ")
                    .append(files).append(files == 1 ? " file" : " files");
            final List<String> notes = new ArrayList<>();
            if (dryRun) {
                notes.add("dry run, nothing written");
            }
            if (skipped > 0) {
                notes.add(skipped + " already imported");
            }
            if (failed > 0) {
                notes.add(failed + " failed");
            }
            if (!notes.isEmpty()) {
                line.append(" (").append(String.join(", ", notes)).append(')');
            }
            return line.toString();
        }
    }
}

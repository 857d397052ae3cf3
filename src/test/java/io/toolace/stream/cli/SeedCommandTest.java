package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.Pipeline;
import io.toolace.stream.TopicReader;
import io.toolace.stream.evolution.ApiSignature;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code seed} as a user runs it: files and directories in, api.seeds and api.candidates out. */
class SeedCommandTest {

    private static final List<String> SEED_FILES = List.of("billing-swagger2.json", "broken-openapi.yaml",
            "petstore-openapi3.yaml", "shipping-guide.txt", "weather-manual.md");

    @TempDir
    Path dir;

    /** Exit code and what the command printed. */
    private record Run(int exit, String out, String err) {
        String summary() {
            final String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    @Test
    void aMissingPathOrAnEmptyDirectoryIsAUsageError() throws IOException {
        final Run missing = seed("--dry-run", dir.resolve("nope.md").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("seed: no such file or directory: ").contains("nope.md");

        final Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("slides.pdf"), "%PDF");
        final Run nothing = seed("--dry-run", empty.toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("seed: no seed files (.txt, .md, .markdown, .json, .yaml, .yml) in");

        assertThat(seed().exit()).isEqualTo(2);
    }

    @Test
    void aDryRunReadsEveryFileReportsTheBrokenOneAndWritesNothing() throws IOException {
        // Given a directory of seed files, one of them broken, plus files that are not seeds
        final Path docs = docs();
        Files.writeString(docs.resolve("logo.png"), "not a seed");
        Files.createDirectories(docs.resolve(".git"));
        Files.writeString(docs.resolve(".git/description.md"), "# Hidden\n");

        // When it is seeded with --dry-run
        final Run run = seed("--dry-run", "--data-dir", dir.resolve("data").toString(), docs.toString());

        // Then every seed file was read, the broken one named with its reason, and no broker started
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("seed: " + docs.resolve("broken-openapi.yaml") + ": not valid YAML: ");
        assertThat(run.out()).contains("would import " + docs.resolve("petstore-openapi3.yaml") + ": OPENAPI 'Swagger Petstore' ")
                .contains(", 7 APIs").contains("MARKDOWN 'Acme Weather API'").doesNotContain("Hidden");
        assertThat(run.summary()).isEqualTo("4 documents, 11 APIs from 5 files (dry run, nothing written, 1 failed)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void theBuiltinCorpusGoesInBesideOwnFilesWhenAsked() throws IOException {
        // Given one own manual, and the built-in corpus that run feeds only into an empty api.seeds
        final Path manual = docs().resolve("weather-manual.md");

        // When both are seeded
        final Run run = seed("--dry-run", "--builtin", manual.toString());

        // Then the manual and every built-in domain manual would be imported
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("would import " + manual + ": MARKDOWN")
                .contains("would import builtin-finance: BUILTIN 'Finance platform'");
        assertThat(run.summary()).isEqualTo("34 documents, 0 APIs from 34 files (dry run, nothing written)");
    }

    @Test
    void seedsAndRealApisLandOnceHoweverOftenTheFilesAreSeeded() throws Exception {
        final Path docs = docs();
        try (Pipeline pipeline = Pipeline.start(PipelineConfig.builder(dir.resolve("data")).partitions(2).build(), Set.of(),
                Duration.ofMinutes(2))) {
            // Given the seed files, one of them broken
            // When they are seeded into the running cluster
            final Run first = seedInto(pipeline, docs.toString());

            // Then the broken file failed alone and the others landed: 4 documents, 7 + 4 real APIs
            assertThat(first.exit()).as(first.err()).isEqualTo(1);
            assertThat(first.summary()).isEqualTo("4 documents, 11 APIs from 5 files (1 failed)");
            final List<ConsumerRecord<String, SeedDocument>> seeds =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().seeds);
            assertThat(seeds).hasSize(4).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getId()));
            assertThat(seeds).extracting(r -> r.value().getKind())
                    .containsExactlyInAnyOrder(SeedKind.OPENAPI, SeedKind.OPENAPI, SeedKind.MARKDOWN, SeedKind.TEXT);
            final Set<String> specIds = seeds.stream().filter(r -> r.value().getKind() == SeedKind.OPENAPI)
                    .map(ConsumerRecord::key).collect(Collectors.toSet());

            final List<ConsumerRecord<String, ApiDefinition>> apis =
                    TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().candidates);
            assertThat(apis).hasSize(11).allSatisfy(r -> {
                final ApiDefinition api = r.value();
                assertThat(r.key()).isEqualTo(api.getId()).isEqualTo(ApiSignature.hash(api.getName(), api.getParameters()));
                assertThat(api.getOrigin()).isEqualTo(ApiOrigin.REAL);
                assertThat(api.getLineage().getSeedIds()).singleElement().isIn(specIds);
                assertThat(api.getLineage().getCreatedAtMs()).isPositive();
            });
            final Map<String, Long> perDomain = apis.stream()
                    .collect(Collectors.groupingBy(r -> r.value().getDomain(), Collectors.counting()));
            assertThat(perDomain).containsExactlyInAnyOrderEntriesOf(Map.of("Swagger Petstore", 7L, "Acme Billing API", 4L));

            // When the same files are seeded again, the broken one left out
            final List<String> good = SEED_FILES.stream().filter(f -> !f.startsWith("broken"))
                    .map(f -> docs.resolve(f).toString()).toList();
            final Run second = seedInto(pipeline, good.toArray(String[]::new));

            // Then every document is found in api.seeds already, and nothing is written twice
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.summary()).isEqualTo("0 documents, 0 APIs from 4 files (4 already imported)");
            assertThat(second.out()).contains("skip " + docs.resolve("weather-manual.md") + ": already in toolace.api.seeds as ");
            assertThat(TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().seeds)).hasSize(4);
            assertThat(TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().candidates)).hasSize(11);

            // and an edited document is a new seed
            Files.writeString(docs.resolve("weather-manual.md"), "\n- get air quality: Returns the air quality index.\n",
                    java.nio.file.StandardOpenOption.APPEND);
            final Run third = seedInto(pipeline, docs.resolve("weather-manual.md").toString());
            assertThat(third.summary()).isEqualTo("1 document, 0 APIs from 1 file");
            assertThat(TopicReader.readAll(pipeline.clientConfig(), pipeline.topics().seeds)).hasSize(5);
        }
    }

    private Run seedInto(final Pipeline pipeline, final String... files) {
        final List<String> args = new ArrayList<>(List.of("--bootstrap-servers", pipeline.bootstrapServers(),
                "--registry-url", pipeline.registryUrl(), "--data-dir", dir.resolve("cli").toString(), "--partitions", "2"));
        args.addAll(Arrays.asList(files));
        return seed(args.toArray(String[]::new));
    }

    private static Run seed(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine command = new CommandLine(new SeedCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        final int exit = command.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The test seed files, copied to a directory of their own. */
    private Path docs() throws IOException {
        final Path docs = Files.createDirectories(dir.resolve("docs"));
        for (final String name : SEED_FILES) {
            try {
                Files.copy(Path.of(SeedCommandTest.class.getResource("/seeds/" + name).toURI()), docs.resolve(name));
            } catch (final URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return docs;
    }
}

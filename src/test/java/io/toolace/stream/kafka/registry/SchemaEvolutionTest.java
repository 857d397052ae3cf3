package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.junit.jupiter.api.Test;

/**
 * The schemas in {@code schemas/} stay backward compatible with the released ones, kept in
 * {@code src/test/resources/released-schemas/} (release 0.1.0): a stage built from the current
 * schemas must read every record an earlier release left on its topics, and the registry's BACKWARD
 * check would refuse the new schema at the first record anyway, in production rather than here.
 * When a release ships, its schemas are copied over the released ones.
 */
class SchemaEvolutionTest {

    @Test
    void everyCurrentSchemaReadsWhatItsReleasedVersionWrote() throws Exception {
        final Map<String, Schema> released = load(releasedDirectory());
        final Map<String, Schema> current = load(Path.of("schemas"));

        assertThat(released).hasSizeGreaterThanOrEqualTo(14);
        assertThat(incompatibilities(released, current)).as("schemas/ against the released schemas").isEmpty();
    }

    @Test
    void aNewFieldWithoutADefaultOrARemovedSchemaIsReportedByName() throws Exception {
        // Given the current schemas with a field added to SeedDocument without a default, and Verdict gone
        final Map<String, Schema> released = load(releasedDirectory());
        final Map<String, Schema> changed = new HashMap<>(load(Path.of("schemas")));
        final Schema seed = changed.get("SeedDocument");
        final List<Schema.Field> fields = seed.getFields().stream().map(field -> new Schema.Field(field, field.schema()))
                .collect(Collectors.toCollection(ArrayList::new));
        fields.add(new Schema.Field("language", Schema.create(Schema.Type.STRING), "The text's language"));
        changed.put("SeedDocument", Schema.createRecord(seed.getName(), seed.getDoc(), seed.getNamespace(), false, fields));
        changed.remove("Verdict");

        // When / Then
        assertThat(incompatibilities(released, changed)).containsExactly(
                "SeedDocument: READER_FIELD_MISSING_DEFAULT_VALUE language at /fields/" + (fields.size() - 1),
                "Verdict: released, but no longer in schemas/");
    }

    /** One line per released schema that the current one cannot read, naming the schema and the problem. */
    static List<String> incompatibilities(final Map<String, Schema> released, final Map<String, Schema> current) {
        final List<String> problems = new ArrayList<>();
        new TreeMap<>(released).forEach((name, writer) -> {
            final Schema reader = current.get(name);
            if (reader == null) {
                problems.add(name + ": released, but no longer in schemas/");
                return;
            }
            final String problem = Compatibility.problems(reader, writer);
            if (!problem.isEmpty()) {
                problems.add(name + ": " + problem);
            }
        });
        return problems;
    }

    /**
     * The schemas of a directory by file name. A file may use types another defines, as the Avro
     * plugin allows, so each is parsed once the types it names are known.
     */
    static Map<String, Schema> load(final Path directory) throws IOException {
        final List<Path> left;
        try (Stream<Path> files = Files.list(directory)) {
            left = files.filter(file -> file.toString().endsWith(".avsc")).sorted().collect(Collectors.toList());
        }
        final Map<String, Schema> byFile = new TreeMap<>();
        final Map<String, Schema> types = new HashMap<>();
        while (!left.isEmpty()) {
            AvroRuntimeException unresolved = null;
            boolean progress = false;
            for (final Iterator<Path> files = left.iterator(); files.hasNext(); ) {
                final Path file = files.next();
                final Schema.Parser parser = new Schema.Parser().addTypes(types.values());
                try {
                    byFile.put(file.getFileName().toString().replace(".avsc", ""), parser.parse(file.toFile()));
                } catch (final SchemaParseException | AvroTypeException e) {
                    unresolved = e;
                    continue;
                }
                types.putAll(parser.getTypes());
                files.remove();
                progress = true;
            }
            if (!progress) {
                throw new IllegalStateException("Cannot parse " + left + ": " + unresolved.getMessage(), unresolved);
            }
        }
        return byFile;
    }

    private static Path releasedDirectory() throws URISyntaxException {
        return Path.of(SchemaEvolutionTest.class.getResource("/released-schemas").toURI());
    }
}

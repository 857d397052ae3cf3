package io.toolace.stream.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class AvroSerdeTest {

    private static final Logger LOG = LoggerFactory.getLogger(AvroSerdeTest.class);

    /** SeedDocument as it might have been before {@code source} existed. */
    private static final Schema SEED_WITHOUT_SOURCE = new Schema.Parser().parse("""
            {"type": "record", "name": "SeedDocument", "namespace": "io.toolace.stream.records", "fields": [
              {"name": "id", "type": "string"},
              {"name": "title", "type": "string"},
              {"name": "kind", "type": {"type": "enum", "name": "SeedKind", "symbols": ["TEXT", "MARKDOWN", "OPENAPI", "BUILTIN"]}},
              {"name": "text", "type": "string"}]}""");

    /** SeedDocument as a later version might write it, with a field this build does not know. */
    private static final Schema SEED_WITH_LANGUAGE = new Schema.Parser().parse("""
            {"type": "record", "name": "SeedDocument", "namespace": "io.toolace.stream.records", "fields": [
              {"name": "id", "type": "string"},
              {"name": "title", "type": "string"},
              {"name": "kind", "type": {"type": "enum", "name": "SeedKind", "symbols": ["TEXT", "MARKDOWN", "OPENAPI", "BUILTIN"]}},
              {"name": "text", "type": "string"},
              {"name": "source", "type": "string", "default": ""},
              {"name": "language", "type": "string", "default": "en"}]}""");

    /** Four ASCII bytes that {@link #malformed} overwrites. */
    private static final String MARK = "@@@@";

    @TempDir
    Path dataDir;

    private EmbeddedRegistry registry;
    private RegistryClient client;

    @BeforeEach
    void start() {
        registry = EmbeddedRegistry.start(dataDir);
        client = new RegistryClient(registry.url());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void generatedRecordsRoundTripIncludingUnionPayloads() {
        final AvroSerde<DialogDraft> drafts = AvroSerde.forValues(DialogDraft.class, client);
        final AvroSerde<LlmRequest> requests = AvroSerde.forValues(LlmRequest.class, client);
        final DialogDraft draft = TestRecords.draft("d-1", 3);
        final LlmRequest aboutDraft = TestRecords.request("r-1", draft);
        final LlmRequest aboutSeed = TestRecords.request("r-2", TestRecords.seed("s-1"));

        assertThat(drafts.deserialize("dialog.drafts", drafts.serialize("dialog.drafts", draft))).isEqualTo(draft);
        final LlmRequest readDraft = requests.deserialize("llm.requests", requests.serialize("llm.requests", aboutDraft));
        final LlmRequest readSeed = requests.deserialize("llm.requests", requests.serialize("llm.requests", aboutSeed));
        assertThat(readDraft).isEqualTo(aboutDraft);
        assertThat(readDraft.getPayload()).isInstanceOf(DialogDraft.class);
        assertThat(readSeed).isEqualTo(aboutSeed);
        assertThat(readSeed.getPayload()).isInstanceOf(SeedDocument.class);
        assertThat(drafts.serialize("dialog.drafts", null)).isNull();
        assertThat(drafts.deserialize("dialog.drafts", null)).isNull();
    }

    @Test
    void theBytesCarryTheIdOfTheSchemaTheRegistryServes() throws Exception {
        final AvroSerde<DialogDraft> drafts = AvroSerde.forValues(DialogDraft.class, client);

        final byte[] bytes = drafts.serialize("dialog.drafts", TestRecords.draft("d-1", 1));

        assertThat(bytes[0]).isEqualTo((byte) 0);
        final int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        final String schemaText = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("schema").asText();
        assertThat(new Schema.Parser().parse(schemaText)).isEqualTo(DialogDraft.getClassSchema());
        assertThat(client.subjects()).containsExactly("dialog.drafts-value");
    }

    @Test
    void subjectsFollowTheStrategy() {
        new AvroSerde<>(SeedDocument.class, client, SubjectNameStrategy.TOPIC, true).serialize("seeds", TestRecords.seed("k"));
        new AvroSerde<>(SeedDocument.class, client, SubjectNameStrategy.RECORD, false).serialize("seeds", TestRecords.seed("k"));
        new AvroSerde<>(SeedDocument.class, client, SubjectNameStrategy.TOPIC_RECORD, false).serialize("seeds", TestRecords.seed("k"));

        assertThat(client.subjects()).containsExactlyInAnyOrder(
                "seeds-key", "io.toolace.stream.records.SeedDocument", "seeds-io.toolace.stream.records.SeedDocument");
    }

    @Test
    void recordsWrittenWithAnOlderOrNewerSchemaResolveIntoTheClass() throws Exception {
        // Given records of the same type written by an older and a newer producer
        final int olderId = client.register("seeds-value", SEED_WITHOUT_SOURCE);
        final int newerId = client.register("seeds-value", SEED_WITH_LANGUAGE);
        final GenericRecord older = new GenericData.Record(SEED_WITHOUT_SOURCE);
        older.put("id", "s-old");
        older.put("title", "Old manual");
        older.put("kind", new GenericData.EnumSymbol(SEED_WITHOUT_SOURCE.getField("kind").schema(), "TEXT"));
        older.put("text", "old text");
        final GenericRecord newer = new GenericData.Record(SEED_WITH_LANGUAGE);
        newer.put("id", "s-new");
        newer.put("title", "New manual");
        newer.put("kind", new GenericData.EnumSymbol(SEED_WITH_LANGUAGE.getField("kind").schema(), "OPENAPI"));
        newer.put("text", "new text");
        newer.put("source", "upload");
        newer.put("language", "de");

        // When
        final AvroSerde<SeedDocument> seeds = AvroSerde.forValues(SeedDocument.class, client);
        final SeedDocument readOlder = seeds.deserialize("seeds", wireFormat(olderId, older));
        final SeedDocument readNewer = seeds.deserialize("seeds", wireFormat(newerId, newer));

        // Then the missing field takes its default and the unknown one is skipped
        assertThat(readOlder).isEqualTo(SeedDocument.newBuilder().setId("s-old").setTitle("Old manual")
                .setKind(SeedKind.TEXT).setText("old text").setSource("").build());
        assertThat(readNewer).isEqualTo(SeedDocument.newBuilder().setId("s-new").setTitle("New manual")
                .setKind(SeedKind.OPENAPI).setText("new text").setSource("upload").build());
    }

    @Test
    void bytesThatAreNotARecordOfTheClassFailWithTheReason() throws Exception {
        final AvroSerde<SeedDocument> seeds = AvroSerde.forValues(SeedDocument.class, client);
        final byte[] valid = seeds.serialize("seeds", TestRecords.seed("s-1"));
        final Schema other = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
        final GenericRecord otherRecord = new GenericData.Record(other);
        otherRecord.put("x", 5);
        final byte[] ofOtherType = wireFormat(client.register("others-value", other), otherRecord);
        final byte[] withTrailingByte = Arrays.copyOf(valid, valid.length + 1);

        assertFailure(seeds, new byte[0], "0 bytes, fewer than the 5-byte header");
        assertFailure(seeds, "{\"id\":\"s-1\"}".getBytes(), "magic byte 0x7b, expected 0x00");
        assertFailure(seeds, new byte[] {0, 0, 0, 0x12, 0x34, 2, 'x'}, "schema id 4660");
        assertFailure(seeds, new byte[] {0, 0, 0, 0x12, 0x34, 2, 'x'}, "Schema 4660 not found");
        assertFailure(seeds, Arrays.copyOf(valid, valid.length - 3), "truncated data");
        assertFailure(seeds, withTrailingByte, "trailing bytes");
        assertFailure(seeds, ofOtherType, "cannot be read as io.toolace.stream.records.SeedDocument");
    }

    @Test
    void malformedUtf8InAnyStringFailsNamingTheFieldWhileAReplacementCharacterItselfReadsFine() {
        // Given records whose marked text is then overwritten, byte for byte, with malformed UTF-8
        final AvroSerde<DialogDraft> drafts = AvroSerde.forValues(DialogDraft.class, client);
        final DialogDraft draft = TestRecords.draft("d-1", 1);
        final DialogDraft inSystem = DialogDraft.newBuilder(draft).setSystem("You are " + MARK).build();
        final DialogDraft inATurn = DialogDraft.newBuilder(draft).setTurns(List.of(
                io.toolace.stream.records.Turn.newBuilder(draft.getTurns().get(0)).setText("Weather " + MARK).build()))
                .build();
        final DialogDraft inAMapKey = DialogDraft.newBuilder(draft).setLineage(
                io.toolace.stream.records.Lineage.newBuilder(draft.getLineage()).setAgents(java.util.Map.of(MARK, "x"))
                        .build()).build();
        final DialogDraft withReplacementCharacter = DialogDraft.newBuilder(draft).setSystem("Broken \uFFFD text").build();

        // Then
        assertThatThrownBy(() -> drafts.deserialize("dialog.drafts", malformed(drafts.serialize("dialog.drafts", inSystem))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot deserialize DialogDraft from topic dialog.drafts")
                .hasMessageEndingWith("malformed UTF-8 in string field system");
        assertThatThrownBy(() -> drafts.deserialize("dialog.drafts", malformed(drafts.serialize("dialog.drafts", inATurn))))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith("malformed UTF-8 in string field turns.text");
        assertThatThrownBy(() -> drafts.deserialize("dialog.drafts", malformed(drafts.serialize("dialog.drafts", inAMapKey))))
                .isInstanceOf(SerializationException.class)
                .hasMessageEndingWith("malformed UTF-8 in string field lineage.agents");
        assertThat(drafts.deserialize("dialog.drafts", drafts.serialize("dialog.drafts", withReplacementCharacter)))
                .isEqualTo(withReplacementCharacter);
    }

    /** The record's bytes with {@link #MARK} replaced by a lone continuation byte and a truncated sequence. */
    private static byte[] malformed(final byte[] record) {
        final byte[] out = record.clone();
        for (int i = 0; i + MARK.length() <= out.length; i++) {
            if (new String(out, i, MARK.length(), java.nio.charset.StandardCharsets.ISO_8859_1).equals(MARK)) {
                System.arraycopy(new byte[] {(byte) 0xA0, 'x', (byte) 0xE2, 0x28}, 0, out, i, MARK.length());
                return out;
            }
        }
        throw new IllegalArgumentException("no " + MARK + " in the record");
    }

    @Test
    void afterWarmUpNoRecordCostsARegistryRequestAndManyThreadsShareOneSerde() throws Exception {
        // Given a warmed-up serde
        final AvroSerde<DialogDraft> drafts = AvroSerde.forValues(DialogDraft.class, new RegistryClient(registry.url()));
        drafts.deserialize("dialog.drafts", drafts.serialize("dialog.drafts", TestRecords.draft("warm", 1)));
        final long requestsAfterWarmUp = registry.requestCount();

        // When four threads round-trip distinct records through it
        final int perThread = 5_000;
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final long started = System.nanoTime();
        final List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                results.add(pool.submit(() -> {
                    int equal = 0;
                    for (int i = 0; i < perThread; i++) {
                        final DialogDraft draft = TestRecords.draft("t" + thread + "-" + i, 1 + i % 4);
                        if (drafts.deserialize("dialog.drafts", drafts.serialize("dialog.drafts", draft)).equals(draft)) {
                            equal++;
                        }
                    }
                    return equal;
                }));
            }
            for (final Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(perThread);
            }
        } finally {
            pool.shutdownNow();
        }
        final double seconds = (System.nanoTime() - started) / 1e9;

        // Then
        assertThat(registry.requestCount()).isEqualTo(requestsAfterWarmUp);
        LOG.info("{} DialogDraft round trips (serialize + deserialize, 1-4 turns) on 4 threads in {} s: {} per second",
                4 * perThread, String.format("%.2f", seconds), Math.round(4 * perThread / seconds));
    }

    private static void assertFailure(final AvroSerde<SeedDocument> serde, final byte[] bytes, final String reason) {
        assertThatThrownBy(() -> serde.deserialize("seeds", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot deserialize SeedDocument from topic seeds")
                .hasMessageContaining(reason);
    }

    private static byte[] wireFormat(final int id, final GenericRecord record) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}

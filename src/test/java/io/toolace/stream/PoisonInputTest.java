package io.toolace.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.kafka.DeadLetters;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.StageRunner;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.CachedBackend;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.LlmCacheEntry;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on every topic a stage or the gateway reads, on a real in-JVM broker with the procedural
 * backend: bytes that are no record (garbage, an unknown schema id, empty, null where no tombstone is
 * meant, truncated, trailing bytes, another topic's record) and records of the right schema with absurd
 * content (an API without parameters, a parameter schema nested 10,000 levels, a description that cannot
 * fit a dialog, a context node that is its own parent, a draft without tools, an outcome for a dialog no
 * planner planned, a request naming a topic that is not a reply topic, replies nobody waits for).
 * Each must end in the dead-letter topic with its bytes and the error headers, or on a rejected topic
 * with its reason; no stage may stop, and good work sent after the poison must come through.
 */
class PoisonInputTest {

    private static final Duration START = Duration.ofMinutes(2);
    private static final Duration SETTLE = Duration.ofMinutes(2);
    /** An ASCII run the invalid-UTF-8 records replace, byte for byte, with a malformed sequence. */
    private static final String UTF8_MARK = "@@@@UTF8@@@@";
    /** What the deserializer says of a string that is not UTF-8, rather than decoding it to U+FFFD. */
    private static final String MALFORMED = "malformed UTF-8 in string field";
    private static final byte[] MALFORMED_UTF8 = {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, 0x28,
        (byte) 0xA1, (byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC, (byte) 0xFF};
    /** Deeper than any JSON parser of the pipeline reads (Jackson stops at 1,000). */
    private static final int DEEP = 10_000;
    /** Within the parser's limit, so the schema is read and every recursive walk of it must cope. */
    private static final int DEEP_PARSEABLE = 990;

    @TempDir
    Path dataDir;

    @TempDir
    Path lateDir;

    /** What must become of one poison record. */
    private enum Fate {
        /** In the DLQ, once per stage that reads the topic, with its bytes and the error headers. */
        DEAD_LETTERED,
        /** On {@code api.rejected} or {@code samples.rejected}, with a reason naming {@link Poison#expected}. */
        REJECTED,
        /**
         * Counted by the metric named in {@link Poison#expected}, never dead-lettered: a reply nobody waits for
         * is dropped as a duplicate (the gateway may answer twice), a seed whose answer cannot travel fails, and
         * a cache entry the gateway cannot use is skipped (the cache is read whole on every start, so a dead
         * letter would be written again on each).
         */
        COUNTED
    }

    /**
     * One record written with a raw byte producer, and where it must end: {@code expected} is what the dead
     * letter's reason or the rejection must contain, or the counter that must count it.
     */
    private record Poison(String label, String topic, Integer partition, byte[] key, byte[] value, Fate fate,
            String expected, Set<String> readers) {

        Poison(final String label, final String topic, final byte[] value, final Fate fate, final String expected,
                final Set<String> readers) {
            this(label, topic, null, utf8(label), value, fate, expected, readers);
        }

        ProducerRecord<byte[], byte[]> record() {
            return new ProducerRecord<>(topic, partition, key, value);
        }
    }

    /** Where a poison record was written. */
    private record Written(Poison poison, int partition, long offset) {}

    @Test
    void poisonOnEveryInputTopicIsDeadLetteredOrRejectedWithItsReasonAndNoStageStops() throws Exception {
        // Speciation and the gateway start once the poison is written: the gateway reads llm.cache whole when it
        // starts, and speciation, finding records on api.seeds, feeds none of its built-in corpus, so the run stays
        // small and all it verifies comes from the good seed sent after the poison.
        final Set<String> late = Set.of("speciation", "gateway");
        final Set<String> early = new LinkedHashSet<>(Pipeline.STAGES);
        early.removeAll(late);
        try (Pipeline stages = Pipeline.start(config(dataDir).build(), early, START);
                KafkaProducer<byte[], byte[]> producer = rawProducer(stages, Map.of())) {
            final Topics topics = stages.topics();
            final Catalogue catalogue = new Catalogue(topics);
            final Map<String, Double> countedBefore = counts();
            final List<Written> written = send(producer, catalogue.all());
            final int refused = refusedAtTheProducer(stages, topics);
            // The gateway's backend caches its answers, so that the gateway reads llm.cache and meets its poison.
            final PipelineConfig lateConfig = config(lateDir).bootstrapServers(stages.bootstrapServers())
                    .registryUrl(stages.registryUrl()).build();
            try (Pipeline lateStages = Pipeline.start(lateConfig, late, START,
                    new CachedBackend(Pipeline.proceduralBackend(lateConfig)))) {
                // Then each record is dead-lettered, rejected with its reason or counted, and no stage stopped
                final Map<String, Integer> fates = awaitFates(stages, lateStages, written, countedBefore);

                // and good work sent after the poison comes through every stage
                final long afterPoison = System.currentTimeMillis();
                producer.send(catalogue.goodSeed()).get();
                final int verifiedAfter = awaitGoodWork(stages, lateStages, catalogue, afterPoison);

                System.out.printf("poison: %d records tried on %d topics, %d of them (10 MB) refused by the producer;"
                        + " %d dead-lettered (%d of them for malformed UTF-8), %d rejected with a reason, %d dropped,"
                        + " skipped or failed and counted; %d dead letters in all; after it,"
                        + " %d samples verified and the good seed's APIs pooled; no stage stopped%n",
                        written.size() + refused, written.stream().map(w -> w.poison().topic()).distinct().count(),
                        refused, fates.get("dead-lettered"),
                        written.stream().filter(w -> MALFORMED.equals(w.poison().expected())).count(),
                        fates.get("rejected"), fates.get("counted"), fates.get("dead letters"), verifiedAfter);
            }
        }
    }

    private static PipelineConfig.Builder config(final Path dir) {
        return PipelineConfig.builder(dir)
                .partitions(2)
                .maxGeneration(1)
                .maxInFlightDialogs(8);
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(final Pipeline pipeline, final Map<String, Object> extra) {
        final var props = pipeline.clientConfig().clientProperties();
        props.putAll(extra);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<Written> send(final KafkaProducer<byte[], byte[]> producer, final List<Poison> poison)
            throws InterruptedException, ExecutionException {
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (final Poison record : poison) {
            sent.add(producer.send(record.record()));
        }
        final List<Written> written = new ArrayList<>();
        for (int i = 0; i < poison.size(); i++) {
            written.add(new Written(poison.get(i), sent.get(i).get().partition(), sent.get(i).get().offset()));
        }
        return written;
    }

    /**
     * A 10 MB description is refused before any stage sees it: the topics keep Kafka's default limit of
     * 1 MB, because every record downstream carries its input (a draft its tools twice, a request its draft,
     * a reply its request), so raising it for one topic would only move the failure into a stage. The
     * producer says why, whether its own limit or the broker's stops the record.
     */
    private static int refusedAtTheProducer(final Pipeline pipeline, final Topics topics) throws Exception {
        final ApiDefinition huge = ApiDefinition.newBuilder(StageFixtures.weatherApi())
                .setId("poison-10mb").setName("poison_10mb").setDescription("x".repeat(10 * 1024 * 1024)).build();
        final byte[] value = topics.candidates.valueSerde().serializer().serialize(topics.candidates.name(), huge);
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.candidates.name(), utf8("poison-10mb"),
                value);
        try (KafkaProducer<byte[], byte[]> producer = rawProducer(pipeline, Map.of())) {
            assertThatThrownBy(() -> producer.send(record).get()).hasCauseInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("max.request.size");
        }
        try (KafkaProducer<byte[], byte[]> producer = rawProducer(pipeline,
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024))) {
            assertThatThrownBy(() -> producer.send(record).get()).hasCauseInstanceOf(RecordTooLargeException.class);
        }
        return 2;
    }

    /**
     * Waits until every poison record has met its fate, checking that no stage has stopped meanwhile, and
     * returns how many met which.
     */
    private static Map<String, Integer> awaitFates(final Pipeline stages, final Pipeline lateStages,
            final List<Written> written, final Map<String, Double> countedBefore) throws InterruptedException {
        final Topics topics = stages.topics();
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> missing = List.of();
        while (System.nanoTime() < deadline) {
            assertHealthy(stages, lateStages);
            final List<ConsumerRecord<String, byte[]>> dead = TopicReader.readRaw(stages.clientConfig(), topics.dlq);
            final List<ConsumerRecord<String, ApiDefinition>> apis = TopicReader.readAll(stages.clientConfig(),
                    topics.apiRejected);
            final List<ConsumerRecord<String, Sample>> samples = TopicReader.readAll(stages.clientConfig(),
                    topics.rejected);
            final List<String> pending = new ArrayList<>();
            int deadLettered = 0;
            int rejected = 0;
            int counted = 0;
            for (final Written w : written) {
                final Poison poison = w.poison();
                final List<ConsumerRecord<String, byte[]>> letters = dead.stream().filter(deadLetterOf(w))
                        .collect(Collectors.toList());
                switch (poison.fate()) {
                    case DEAD_LETTERED -> {
                        final Set<String> by = letters.stream().map(r -> header(r, DeadLetters.HEADER_STAGE))
                                .collect(Collectors.toSet());
                        if (!by.containsAll(stageIds(topics, poison.readers()))) {
                            pending.add(poison.label() + " in the DLQ from " + poison.readers() + ", got " + by);
                            continue;
                        }
                        letters.forEach(letter -> assertDeadLetter(letter, w));
                        deadLettered++;
                    }
                    case REJECTED -> {
                        final String reason = rejection(poison, apis, samples);
                        if (reason == null) {
                            pending.add(poison.label() + " rejected with " + poison.expected());
                            continue;
                        }
                        assertThat(reason).as("rejection of %s", poison.label()).contains(poison.expected());
                        assertThat(letters).as("dead letters of rejected %s", poison.label()).isEmpty();
                        rejected++;
                    }
                    case COUNTED -> {
                        assertThat(letters).as("dead letters of %s", poison.label()).isEmpty();
                        counted++;
                    }
                }
            }
            final Map<String, Long> expected = written.stream().filter(w -> w.poison().fate() == Fate.COUNTED)
                    .collect(Collectors.groupingBy(w -> w.poison().expected(), Collectors.counting()));
            expected.forEach((counter, count) -> {
                final double seen = Metrics.counter(counter).count() - countedBefore.get(counter);
                if (seen < count) {
                    pending.add(counter + " counted " + seen + " of " + count);
                }
            });
            missing = pending;
            if (pending.isEmpty()) {
                return Map.of("dead-lettered", deadLettered, "rejected", rejected, "counted", counted,
                        "dead letters", dead.size());
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("poison not accounted for within " + SETTLE + ": " + missing);
    }

    private static Predicate<ConsumerRecord<String, byte[]>> deadLetterOf(final Written w) {
        return r -> w.poison().topic().equals(header(r, ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME))
                && Integer.toString(w.partition()).equals(header(r, ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME))
                && Long.toString(w.offset()).equals(header(r, ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME));
    }

    private static void assertDeadLetter(final ConsumerRecord<String, byte[]> letter, final Written w) {
        final Poison poison = w.poison();
        assertThat(letter.value()).as("bytes of dead-lettered %s", poison.label()).isEqualTo(poison.value());
        assertThat(letter.key()).as("key of dead-lettered %s", poison.label())
                .isEqualTo(new String(poison.key(), StandardCharsets.UTF_8));
        assertThat(header(letter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME)).isNotBlank();
        final String reason = header(letter, ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME);
        assertThat(reason).as("reason of dead-lettered %s", poison.label()).isNotBlank();
        if (poison.fate() == Fate.DEAD_LETTERED) {
            assertThat(reason).as("reason of dead-lettered %s", poison.label()).contains(poison.expected());
        }
    }

    private static Set<String> stageIds(final Topics topics, final Set<String> stages) {
        return stages.stream().map(stage -> topics.prefix() + stage).collect(Collectors.toSet());
    }

    /** The reason a rejected topic gives for the poison record, or null while it has none. */
    private static String rejection(final Poison poison, final List<ConsumerRecord<String, ApiDefinition>> apis,
            final List<ConsumerRecord<String, Sample>> samples) {
        for (final ConsumerRecord<String, ApiDefinition> record : apis) {
            if (record.value().getId().equals(poison.label()) || record.value().getName().equals(poison.label())) {
                return record.value().getRejection();
            }
        }
        for (final ConsumerRecord<String, Sample> record : samples) {
            if (record.value().getDialogId().equals(poison.label())) {
                return record.value().getVerdicts().stream().filter(v -> !v.getPassed())
                        .map(v -> v.getRule() + ": " + v.getMessage()).collect(Collectors.joining("; "));
            }
        }
        return null;
    }

    private static final String CACHE_SKIPPED = "toolace.llm.cache.skipped";
    private static final String SEED_FAILED = "toolace.speciation.failed";
    private static final String SEED_REPLY_DROPPED = "toolace.speciation.replies.duplicate";
    private static final String TURN_REPLY_DROPPED = "toolace.dialog.replies.duplicate";
    private static final String VERIFY_REPLY_DROPPED = "toolace.verify.replies.duplicate";

    /** The counters {@link Fate#COUNTED} poison moves, as they stand. */
    private static Map<String, Double> counts() {
        final Map<String, Double> counts = new LinkedHashMap<>();
        for (final String name : List.of(CACHE_SKIPPED, SEED_FAILED, SEED_REPLY_DROPPED, TURN_REPLY_DROPPED,
                VERIFY_REPLY_DROPPED)) {
            counts.put(name, Metrics.counter(name).count());
        }
        return counts;
    }

    /**
     * Waits until the good seed sent after the poison has APIs in the pool (speciation, the gateway,
     * evolution and the pool at work) and samples are verified after it (planner, dialog and verify);
     * returns how many were.
     */
    private static int awaitGoodWork(final Pipeline stages, final Pipeline lateStages, final Catalogue catalogue,
            final long afterPoison) throws InterruptedException {
        final Topics topics = stages.topics();
        final long deadline = System.nanoTime() + SETTLE.toNanos();
        boolean pooled = false;
        int verified = 0;
        while (System.nanoTime() < deadline) {
            assertHealthy(stages, lateStages);
            pooled = pooled || TopicReader.readDecodable(stages.clientConfig(), topics.pool).stream()
                    .anyMatch(api -> api.getLineage().getSeedIds().contains(catalogue.goodSeedId()));
            verified = (int) TopicReader.readAll(stages.clientConfig(), topics.verified).stream()
                    .filter(r -> r.timestamp() > afterPoison).count();
            if (pooled && verified > 0) {
                return verified;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("after the poison: good seed pooled " + pooled + ", samples verified " + verified);
    }

    private static void assertHealthy(final Pipeline stages, final Pipeline lateStages) {
        for (final Pipeline pipeline : List.of(stages, lateStages)) {
            assertThat(pipeline.failure()).as("failure of a stage or the gateway").isNull();
            for (final StageRunner runner : pipeline.runners().values()) {
                assertThat(runner.healthy()).as("stage %s running", runner.name()).isTrue();
            }
        }
        assertThat(lateStages.gateway().healthy()).as("gateway running").isTrue();
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"type":"object","properties":{"a":...}}} nested {@code depth} levels. */
    private static String nestedObjects(final int depth) {
        return "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth) + "{\"type\":\"string\"}"
                + "}}".repeat(depth);
    }

    /** An object schema whose one parameter is a list of lists ... {@code depth} levels deep. */
    private static String nestedArrays(final int depth) {
        return "{\"type\":\"object\",\"properties\":{\"a\":" + "{\"type\":\"array\",\"items\":".repeat(depth)
                + "{\"type\":\"string\"}" + "}".repeat(depth) + "}}";
    }

    /** The poison records, built with the pipeline's own serdes where they need a valid schema id. */
    private static final class Catalogue {

        private final Topics topics;
        private int next;
        private final String goodSeedId = "poison-recovery-seed";

        Catalogue(final Topics topics) {
            this.topics = topics;
        }

        String goodSeedId() {
            return goodSeedId;
        }

        private String label() {
            return "poison-" + next++;
        }

        List<Poison> all() {
            final List<Poison> all = new ArrayList<>();
            final SeedDocument seed = seed(label(), UTF8_MARK + " a manual");
            final ContextNode node = ContextNode.newBuilder().setId("poison/node").setParentId("poison")
                    .setLevel(NodeLevel.SUBDOMAIN).setName(UTF8_MARK).setPath(List.of("poison", "node")).build();
            final ApiDefinition api = ApiDefinition.newBuilder(StageFixtures.weatherApi()).setDescription(UTF8_MARK)
                    .build();
            final DialogOutcome outcome = outcome(UTF8_MARK, 0);
            final DialogDraft draft = StageFixtures.draft(UTF8_MARK, 0);
            final Sample sample = sample(UTF8_MARK, List.of(userTurn(UTF8_MARK)));
            final LlmRequest request = request(AgentTask.USER_TURN, topics.dialogReplies.name(), UTF8_MARK, draft);
            final LlmReply reply = StageFixtures.reply(request, null, UTF8_MARK);
            all.addAll(cache());
            all.addAll(undecodable(topics.seeds, seed, Set.of("speciation")));
            all.addAll(undecodable(topics.speciationReplies, reply, Set.of("speciation")));
            all.addAll(undecodable(topics.context, node, Set.of("evolution")));
            all.addAll(undecodable(topics.pool, api, Set.of("evolution", "planner")));
            all.addAll(undecodable(topics.evolutionReplies, reply, Set.of("evolution")));
            all.addAll(undecodable(topics.candidates, api, Set.of("pool")));
            all.addAll(undecodable(topics.outcomes, outcome, Set.of("planner")));
            all.addAll(undecodable(topics.drafts, draft, Set.of("dialog")));
            all.addAll(undecodable(topics.dialogReplies, reply, Set.of("dialog")));
            all.addAll(undecodable(topics.sampleCandidates, sample, Set.of("verify")));
            all.addAll(undecodable(topics.verifyReplies, reply, Set.of("verify")));
            all.addAll(undecodable(topics.llmRequests, request, Set.of("gateway")));
            all.addAll(seeds());
            all.addAll(contextNodes());
            all.addAll(pooledApis());
            all.addAll(candidateApis());
            all.addAll(outcomes());
            all.addAll(drafts());
            all.addAll(samples());
            all.addAll(requests());
            all.addAll(replies());
            return all;
        }

        /**
         * Bytes that are no record of the topic's schema: each fails in the deserializer. A null value is
         * poison only where the topic is not compacted; on a compacted one it is a tombstone.
         */
        private <V> List<Poison> undecodable(final Topics.Topic<V> topic, final V valid, final Set<String> readers) {
            final byte[] good = topic.valueSerde().serializer().serialize(topic.name(), valid);
            final byte[] unknownId = good.clone();
            unknownId[1] = 0x7f;
            final byte[] otherTopics = topic == topics.seeds
                    ? topics.outcomes.valueSerde().serializer().serialize(topics.outcomes.name(), outcome("x", 0))
                    : topics.seeds.valueSerde().serializer().serialize(topics.seeds.name(), seed("x", "text"));
            final List<Poison> poison = new ArrayList<>();
            poison.add(dead(topic.name(), utf8("not avro at all"), "magic byte", readers));
            poison.add(dead(topic.name(), unknownId, "schema id", readers));
            poison.add(dead(topic.name(), new byte[0], "header", readers));
            poison.add(dead(topic.name(), Arrays.copyOf(good, good.length / 2), "truncated", readers));
            poison.add(dead(topic.name(), concat(good, utf8("tail")), "trailing", readers));
            poison.add(dead(topic.name(), otherTopics, "cannot be read as", readers));
            if (!topic.compacted()) {
                poison.add(dead(topic.name(), null, "null value", readers));
            }
            poison.add(dead(topic.name(), malformedUtf8(good), MALFORMED, readers));
            return poison;
        }

        private Poison dead(final String topic, final byte[] value, final String reason, final Set<String> readers) {
            final String label = label();
            return new Poison(label, topic, value, Fate.DEAD_LETTERED, reason, readers);
        }

        private Poison rejected(final String label, final String topic, final byte[] value, final String rule) {
            return new Poison(label, topic, value, Fate.REJECTED, rule, Set.of());
        }

        private Poison counted(final String label, final String topic, final byte[] value, final String counter) {
            return new Poison(label, topic, value, Fate.COUNTED, counter, Set.of());
        }

        private <V> byte[] bytes(final Topics.Topic<V> topic, final V value) {
            return topic.valueSerde().serializer().serialize(topic.name(), value);
        }

        private List<Poison> seeds() {
            final String blank = label();
            // Fits a record, and so does the request carrying it; the answer, the request and 40,000 context
            // nodes, does not.
            final String huge = label();
            final StringBuilder manual = new StringBuilder("# Huge Manual\n\n## Operations\n\n");
            for (int i = 0; manual.length() < 1_000_000; i++) {
                manual.append("- Register widget ").append(i).append(": adds one\n");
            }
            return List.of(new Poison(blank, topics.seeds.name(), bytes(topics.seeds, seed(blank, "  ")),
                    Fate.DEAD_LETTERED, "no text", Set.of("speciation")),
                    counted(huge, topics.seeds.name(), bytes(topics.seeds, seed(huge, manual.toString())), SEED_FAILED));
        }

        private List<Poison> contextNodes() {
            final List<Poison> poison = new ArrayList<>();
            final String self = label();
            poison.add(new Poison(self, topics.context.name(), bytes(topics.context,
                    ContextNode.newBuilder().setId("poison/loop/x").setParentId("poison/loop/x")
                            .setLevel(NodeLevel.FUNCTIONALITY).setName("x").setPath(List.of("poison", "loop", "x"))
                            .build()), Fate.DEAD_LETTERED, "parent", Set.of("evolution")));
            final List<String> deep = new ArrayList<>();
            for (int i = 0; i < DEEP; i++) {
                deep.add("level " + i);
            }
            final String tooDeep = label();
            poison.add(new Poison(tooDeep, topics.context.name(), bytes(topics.context,
                    ContextNode.newBuilder().setId(String.join("/", deep)).setParentId(null)
                            .setLevel(NodeLevel.FUNCTIONALITY).setName("deep").setPath(deep).build()),
                    Fate.DEAD_LETTERED, "path", Set.of("evolution")));
            final String empty = label();
            poison.add(new Poison(empty, topics.context.name(), bytes(topics.context,
                    ContextNode.newBuilder().setId("").setParentId(null).setLevel(NodeLevel.DOMAIN).setName("")
                            .setPath(List.of()).build()), Fate.DEAD_LETTERED, "path", Set.of("evolution")));
            return poison;
        }

        /** APIs written straight to the pool, past the pool's check: the planner and evolution check them again. */
        private List<Poison> pooledApis() {
            final List<Poison> poison = new ArrayList<>();
            for (final ApiDefinition api : absurdApis().values()) {
                poison.add(new Poison(api.getId(), topics.pool.name(), bytes(topics.pool, api),
                        Fate.DEAD_LETTERED, api.getRejection(), Set.of("evolution", "planner")));
            }
            return poison;
        }

        private List<Poison> candidateApis() {
            final List<Poison> poison = new ArrayList<>();
            for (final ApiDefinition api : absurdApis().values()) {
                poison.add(rejected(api.getId(), topics.candidates.name(), bytes(topics.candidates, api),
                        api.getRejection()));
            }
            return poison;
        }

        /** APIs of a valid schema and absurd content, by label, each with the rule that must reject it. */
        private Map<String, ApiDefinition> absurdApis() {
            final Map<String, ApiDefinition> apis = new LinkedHashMap<>();
            absurd(apis, "API_SCHEMA_INVALID", b -> b.setParameters(""));
            absurd(apis, "API_TOO_LARGE", b -> b.setParameters(nestedObjects(DEEP)));
            absurd(apis, "API_SCHEMA_INVALID", b -> b.setParameters("[".repeat(DEEP) + "]".repeat(DEEP)));
            absurd(apis, "API_SCHEMA_INVALID", b -> b.setParameters(nestedArrays(DEEP_PARSEABLE)));
            absurd(apis, "API_SCHEMA_INVALID", b -> b.setParameters("{\"type\":\"object\",\"properties\":"));
            absurd(apis, "API_SCHEMA_INVALID", b -> b.setResponse("[1, 2"));
            absurd(apis, "API_NAME_INVALID", b -> b.setName("  "));
            absurd(apis, "API_DESCRIPTION_MISSING", b -> b.setDescription(""));
            absurd(apis, "API_TOO_LARGE", b -> b.setDescription("Forecast ".repeat(70_000)));
            return apis;
        }

        private void absurd(final Map<String, ApiDefinition> apis, final String rule,
                final java.util.function.Consumer<ApiDefinition.Builder> change) {
            final String label = label();
            final ApiDefinition.Builder api = ApiDefinition.newBuilder(StageFixtures.weatherApi()).setId(label)
                    .setName(label.replace('-', '_')).setRejection(rule);
            change.accept(api);
            apis.put(label, api.build());
        }

        private List<Poison> outcomes() {
            final String unplanned = label();
            final String infinite = label();
            // Outcomes go to their planner's partition, as the stages write them.
            return List.of(
                    new Poison(unplanned, topics.outcomes.name(), 0, utf8("0"), bytes(topics.outcomes,
                            outcome(unplanned, 0)), Fate.DEAD_LETTERED, "not planned", Set.of("planner")),
                    new Poison(infinite, topics.outcomes.name(), 1, utf8("1"), bytes(topics.outcomes,
                            DialogOutcome.newBuilder(outcome("d1-0", 1)).setComplexity(Double.POSITIVE_INFINITY)
                                    .build()), Fate.DEAD_LETTERED, "complexity", Set.of("planner")));
        }

        private List<Poison> drafts() {
            final List<Poison> poison = new ArrayList<>();
            final String noTools = label();
            poison.add(rejected(noTools, topics.drafts.name(), bytes(topics.drafts,
                    DialogDraft.newBuilder(StageFixtures.draft(noTools, 0)).setTools(List.of()).build()),
                    "DIALOG_NO_TOOLS"));
            final String deepTool = label();
            poison.add(rejected(deepTool, topics.drafts.name(), bytes(topics.drafts,
                    DialogDraft.newBuilder(StageFixtures.draft(deepTool, 0)).setTools(List.of(ApiDefinition
                            .newBuilder(StageFixtures.weatherApi()).setParameters(nestedArrays(DEEP_PARSEABLE))
                            .build())).build()), "API_SCHEMA_INVALID"));
            final String unknownApi = label();
            poison.add(rejected(unknownApi, topics.drafts.name(), bytes(topics.drafts,
                    DialogDraft.newBuilder(StageFixtures.draft(unknownApi, 1)).setNext(Agent.DONE).setStep(4)
                            .setTurns(List.of(userTurn("What is the weather in Lisbon?"),
                                    callTurn("Launch Rocket", "{\"target\": \"Mars\"}"),
                                    toolTurn("Launch Rocket", "{\"launched\": true}"),
                                    assistantTurn("The rocket is on its way.")))
                            .build()), "CALL_UNKNOWN_FUNCTION"));
            final String endless = label();
            poison.add(rejected(endless, topics.drafts.name(), bytes(topics.drafts,
                    DialogDraft.newBuilder(StageFixtures.draft(endless, 1)).setStep(Integer.MAX_VALUE)
                            .setTargetTurns(Integer.MAX_VALUE).build()), "DIALOG_STEP_LIMIT"));
            final String badUtf8 = label();
            final byte[] malformed = malformedUtf8(bytes(topics.drafts, DialogDraft.newBuilder(
                    StageFixtures.draft(badUtf8, 0)).setNext(Agent.DONE).setStep(2)
                    .setTurns(List.of(userTurn("Weather in " + UTF8_MARK + "?"), assistantTurn("Sunny."))).build()));
            poison.add(new Poison(badUtf8, topics.drafts.name(), malformed, Fate.DEAD_LETTERED, MALFORMED,
                    Set.of("dialog")));
            return poison;
        }

        private List<Poison> samples() {
            final List<Poison> poison = new ArrayList<>();
            final String noTools = label();
            poison.add(rejected(noTools, topics.sampleCandidates.name(), bytes(topics.sampleCandidates,
                    Sample.newBuilder(sample(noTools, List.of(userTurn("Weather in Lisbon?"),
                            callTurn("Get Hourly Forecast", "{\"city\": \"Lisbon\"}")))).setTools(List.of()).build()),
                    "CALL_UNKNOWN_FUNCTION"));
            final String deepArguments = label();
            poison.add(rejected(deepArguments, topics.sampleCandidates.name(), bytes(topics.sampleCandidates,
                    sample(deepArguments, List.of(userTurn("Weather in Lisbon?"), callTurn("Get Hourly Forecast",
                            "{\"city\": " + "[".repeat(DEEP) + "]".repeat(DEEP) + "}")))), "CALL"));
            final String deepSchema = label();
            poison.add(rejected(deepSchema, topics.sampleCandidates.name(), bytes(topics.sampleCandidates,
                    Sample.newBuilder(sample(deepSchema, List.of(userTurn("Weather in Lisbon?"),
                            callTurn("Get Hourly Forecast", "{\"city\": \"Lisbon\"}"))))
                            .setTools(List.of(ApiDefinition.newBuilder(StageFixtures.weatherApi())
                                    .setParameters(nestedObjects(DEEP)).build())).build()), "API_SCHEMA_INVALID"));
            final String deepParseable = label();
            poison.add(rejected(deepParseable, topics.sampleCandidates.name(), bytes(topics.sampleCandidates,
                    Sample.newBuilder(sample(deepParseable, List.of(userTurn("Weather in Lisbon?"),
                            callTurn("Get Hourly Forecast", "{\"a\": \"Lisbon\"}"))))
                            .setTools(List.of(ApiDefinition.newBuilder(StageFixtures.weatherApi())
                                    .setParameters(nestedArrays(DEEP_PARSEABLE)).build())).build()),
                    "CALL_TYPE_MISMATCH"));
            final String noTurns = label();
            poison.add(rejected(noTurns, topics.sampleCandidates.name(), bytes(topics.sampleCandidates,
                    sample(noTurns, List.of())), "DIALOG"));
            final String badUtf8 = label();
            poison.add(new Poison(badUtf8, topics.sampleCandidates.name(), malformedUtf8(bytes(topics.sampleCandidates,
                    sample(badUtf8, List.of(userTurn("Weather in " + UTF8_MARK + "?"), assistantTurn("Sunny."))))),
                    Fate.DEAD_LETTERED, MALFORMED, Set.of("verify")));
            return poison;
        }

        private List<Poison> requests() {
            final DialogDraft draft = StageFixtures.draft("poison-request-draft", 0);
            final List<Poison> poison = new ArrayList<>();
            final String nowhere = label();
            poison.add(requestPoison(nowhere, request(AgentTask.USER_TURN, "no.such.topic", nowhere, draft),
                    "reply topic"));
            final String product = label();
            poison.add(requestPoison(product, request(AgentTask.USER_TURN, topics.verified.name(), product, draft),
                    "reply topic"));
            final String invalidName = label();
            poison.add(requestPoison(invalidName, request(AgentTask.USER_TURN, "not a topic!", invalidName, draft),
                    "reply topic"));
            final String wrongPayload = label();
            poison.add(requestPoison(wrongPayload, request(AgentTask.USER_TURN, topics.dialogReplies.name(),
                    wrongPayload, seed(wrongPayload, "a manual")), "SeedDocument"));
            // Well formed, for a sample nobody scores: answered, and the answer dropped by verification.
            final String unasked = label();
            poison.add(counted(unasked, topics.llmRequests.name(), bytes(topics.llmRequests,
                    request(AgentTask.SCORE_COMPLEXITY, topics.verifyReplies.name(), unasked,
                            sample(unasked, List.of(userTurn("Weather in Lisbon?"))))), VERIFY_REPLY_DROPPED));
            return poison;
        }

        private Poison requestPoison(final String label, final LlmRequest request, final String reason) {
            return new Poison(label, topics.llmRequests.name(), bytes(topics.llmRequests, request),
                    Fate.DEAD_LETTERED, reason, Set.of("gateway"));
        }

        private List<Poison> replies() {
            final List<Poison> poison = new ArrayList<>();
            final String seedReply = label();
            poison.add(counted(seedReply, topics.speciationReplies.name(), bytes(topics.speciationReplies,
                    StageFixtures.reply(request(AgentTask.EXTRACT_DOMAINS, topics.speciationReplies.name(), seedReply,
                            seed(seedReply, "a manual")), null, "no answer")), SEED_REPLY_DROPPED));
            final String turnReply = label();
            poison.add(counted(turnReply, topics.dialogReplies.name(), bytes(topics.dialogReplies,
                    StageFixtures.reply(request(AgentTask.USER_TURN, topics.dialogReplies.name(), turnReply,
                            StageFixtures.draft(turnReply, 0)), null, "no answer")), TURN_REPLY_DROPPED));
            final String judgeReply = label();
            poison.add(counted(judgeReply, topics.verifyReplies.name(), bytes(topics.verifyReplies,
                    StageFixtures.reply(request(AgentTask.JUDGE_CONSISTENCY, topics.verifyReplies.name(), judgeReply,
                            sample(judgeReply, List.of())), new JudgeResult("MODEL_INCONSISTENT", true, -1, ""), null)),
                    VERIFY_REPLY_DROPPED));
            final String notAJudge = label();
            poison.add(new Poison(notAJudge, topics.verifyReplies.name(), bytes(topics.verifyReplies,
                    StageFixtures.reply(request(AgentTask.USER_TURN, topics.verifyReplies.name(), notAJudge,
                            StageFixtures.draft(notAJudge, 0)), null, "no answer")), Fate.DEAD_LETTERED,
                    "USER_TURN on the verification replies", Set.of("verify")));
            final String wrongPayload = label();
            poison.add(new Poison(wrongPayload, topics.evolutionReplies.name(), bytes(topics.evolutionReplies, StageFixtures.reply(request(AgentTask.GENERATE_API,
                            topics.evolutionReplies.name(), wrongPayload, seed(wrongPayload, "a manual")),
                            new ApiGenerationResult(List.of(StageFixtures.weatherApi())), null)),
                    Fate.DEAD_LETTERED, "ApiGenerationInput", Set.of("evolution")));
            final String deepApi = label();
            final ApiDefinition deep = ApiDefinition.newBuilder(StageFixtures.weatherApi())
                    .setName(deepApi.replace('-', '_')).setParameters("[".repeat(DEEP) + "]".repeat(DEEP)).build();
            poison.add(rejected(deep.getName(), topics.evolutionReplies.name(), bytes(topics.evolutionReplies,
                    StageFixtures.reply(request(AgentTask.GENERATE_API, topics.evolutionReplies.name(), deepApi,
                            new ApiGenerationInput(List.of(), null, List.of(), 1L)),
                            new ApiGenerationResult(List.of(deep)), null)), "API_SCHEMA_INVALID"));
            return poison;
        }

        /** Cache entries the gateway must skip when it loads the cache: unreadable bytes, and an answer that does not fit its task. */
        private List<Poison> cache() {
            final Topics.Topic<LlmCacheEntry> cache = topics.llmCache;
            final LlmCacheEntry misfit = LlmCacheEntry.newBuilder().setTask(AgentTask.USER_TURN)
                    .setResult(new JudgeResult("MODEL_INCONSISTENT", true, -1, ""))
                    .setUsage(LlmUsage.newBuilder().setBackend("procedural").setModel("procedural-v1").build())
                    .build();
            final byte[] good = bytes(cache, misfit);
            final List<Poison> poison = new ArrayList<>();
            for (final byte[] value : List.of(utf8("not avro at all"), Arrays.copyOf(good, good.length / 2), good)) {
                final String label = label();
                poison.add(counted(label, cache.name(), value, CACHE_SKIPPED));
            }
            return poison;
        }

        /** A document the procedural speciator reads as a new domain, so its APIs are new to the pool. */
        ProducerRecord<byte[], byte[]> goodSeed() {
            final SeedDocument seed = SeedDocument.newBuilder().setId(goodSeedId).setTitle("Beekeeping API")
                    .setKind(SeedKind.MARKDOWN).setSource("test")
                    .setText("# Beekeeping API\n\n## Hives\n\n- Register a hive: adds a hive to an apiary\n"
                            + "- Inspect a hive: records brood, queen and honey stores\n"
                            + "- Move a hive: moves a hive to another apiary\n"
                            + "- Retire a hive: marks a hive as no longer kept\n\n## Harvests\n\n"
                            + "- Log a harvest: records the honey taken from a hive\n"
                            + "- List harvests: lists the harvests of an apiary by season\n"
                            + "- Grade honey: records the moisture and colour of a harvest\n"
                            + "- Sell honey: records a sale of jars to a customer\n").build();
            return new ProducerRecord<>(topics.seeds.name(), utf8(goodSeedId), bytes(topics.seeds, seed));
        }

        private static SeedDocument seed(final String id, final String text) {
            return SeedDocument.newBuilder().setId(id).setTitle("Poison").setKind(SeedKind.TEXT).setText(text)
                    .setSource("test").build();
        }

        private static DialogOutcome outcome(final String dialogId, final int plannerPartition) {
            return DialogOutcome.newBuilder().setDialogId(dialogId).setPlannerPartition(plannerPartition)
                    .setStatus(OutcomeStatus.VERIFIED).setSampleId(dialogId).setDialogType(DialogType.SINGLE)
                    .setComplexity(0.5).build();
        }

        private static Sample sample(final String dialogId, final List<Turn> turns) {
            return Sample.newBuilder().setId(dialogId).setDialogId(dialogId).setPlannerPartition(0)
                    .setDialogType(DialogType.SINGLE).setSystem("You may call: Get Hourly Forecast")
                    .setTools(List.of(StageFixtures.weatherApi())).setTurns(turns)
                    .setLineage(StageFixtures.lineage()).build();
        }

        private static LlmRequest request(final AgentTask task, final String replyTopic, final String correlationId,
                final Object payload) {
            return LlmRequests.of(task, replyTopic, correlationId, 0, 0, "poison", payload, 0L);
        }

        private static Turn userTurn(final String text) {
            return Turn.newBuilder().setRole(Role.USER).setText(text).build();
        }

        private static Turn assistantTurn(final String text) {
            return Turn.newBuilder().setRole(Role.ASSISTANT).setText(text).build();
        }

        private static Turn callTurn(final String name, final String arguments) {
            return Turn.newBuilder().setRole(Role.ASSISTANT).setCalls(List.of(new FunctionCall(name, arguments)))
                    .build();
        }

        private static Turn toolTurn(final String name, final String results) {
            return Turn.newBuilder().setRole(Role.TOOL).setResults(List.of(new ToolResult(name, results))).build();
        }

        /** The record's bytes with the mark replaced, length for length, by bytes that are not UTF-8. */
        private static byte[] malformedUtf8(final byte[] record) {
            final byte[] mark = utf8(UTF8_MARK);
            final byte[] out = record.clone();
            for (int i = 0; i + mark.length <= out.length; i++) {
                if (Arrays.equals(out, i, i + mark.length, mark, 0, mark.length)) {
                    System.arraycopy(MALFORMED_UTF8, 0, out, i, mark.length);
                    return out;
                }
            }
            throw new IllegalArgumentException("no " + UTF8_MARK + " in the record");
        }

        private static byte[] concat(final byte[] a, final byte[] b) {
            final byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}

package io.toolace.stream.replay;

import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.GroupInstance;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.StageRunner;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.kafka.TopologyNodes;
import io.toolace.stream.llm.ForwardingBackend;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.LlmGateway;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.verify.RuleConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-feeds a range of a topic into a stage: the range is copied into the replay's copy of the topic, and
 * the stage, built by the same factory as in production on the replay's view of the topics
 * ({@link Topics#replay}), runs as an application of its own (id {@code <prefix>replay.<name>.<stage>})
 * with a gateway of its own (group {@code <prefix>replay.<name>.gateway}) until both have consumed
 * everything. Nothing a production stage reads is written: the stage's outputs, its LLM requests and the
 * replies land in {@code <prefix>replay.<name>.*}. The gateway loads {@code llm.cache} first, so a request
 * asked before (same backend, settings, model, task, prompt version, correlation id, step and payload) is
 * answered from the cache without a call.
 *
 * <p>A replay is fed once: a name whose input copy already holds records is refused, so a replay's
 * outputs are the outputs of one range.
 */
public final class Replay {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
    private static final Duration QUIET_ROUND = Duration.ofMillis(250);

    /**
     * What to replay.
     *
     * @param name the replay's name, the {@code <name>} of its topics
     * @param stage the stage to re-feed, as {@code run --stages} names it
     * @param topic the topic the range is taken from, without the prefix: an input of the stage
     * @param from the first record of the range in each partition
     * @param to the end of the range (exclusive), or null for the end the topic has when the copy starts
     * @param rules the rule layer's settings, for the verification stage
     */
    public record Plan(String name, String stage, String topic, ReplayPosition from, ReplayPosition to,
            RuleConfig rules) {}

    /**
     * What a replay did.
     *
     * @param input the replay's copy of the range
     * @param copied records copied into it
     * @param outputs committed records per output topic of the stage (its LLM requests left out)
     * @param answered LLM requests the replay's gateway answered
     * @param newCalls of those, the ones its backend was asked; the others came from the cache
     */
    public record Report(String input, long copied, Map<String, Long> outputs, long answered, long newCalls) {
        public long cacheHits() {
            return answered - newCalls;
        }
    }

    private Replay() {}

    /**
     * Runs a replay to its end.
     *
     * @param config the pipeline's settings (prefix, partitions, data directory, judges, ...)
     * @param client where the cluster is
     * @param topics the production topics
     * @param backend the LLM backend, set up as the production gateway's (else its answers are other cache keys)
     * @param timeout the longest each step (copy, start, processing) may take
     */
    public static Report run(final PipelineConfig config, final KafkaClientConfig client, final Topics topics,
            final LlmBackend backend, final Plan plan, final Duration timeout) throws InterruptedException {
        final Topics view = topics.replay(plan.name());
        final String source = topics.prefix() + plan.topic();
        final Set<String> inputs = sources(Pipeline.stage(plan.stage(), topics, config, plan.rules()).buildTopology());
        // Topics Streams makes for the stage (repartition, changelog) are named after its application id.
        inputs.removeIf(topic -> topic.startsWith(config.topicPrefix() + plan.stage() + "-"));
        if (!inputs.contains(source)) {
            throw new IllegalArgumentException("stage " + plan.stage() + " does not read " + plan.topic()
                    + "; it reads " + unprefixed(inputs, topics.prefix()));
        }
        inputs.remove(source);
        inputs.removeAll(List.of(topics.speciationReplies.name(), topics.evolutionReplies.name(),
                topics.dialogReplies.name(), topics.verifyReplies.name()));
        if (!inputs.isEmpty()) {
            throw new IllegalArgumentException("stage " + plan.stage() + " also reads " + unprefixed(inputs,
                    topics.prefix()) + ", which a replay would see empty: a replay re-feeds a stage whose other"
                    + " inputs are its LLM replies (verify, dialog, speciation, pool)");
        }
        final PipelineConfig replayConfig = config.toBuilder().topicPrefix(view.prefix()).build();
        final Stage stage = Pipeline.stage(plan.stage(), view, replayConfig, plan.rules());
        final Topology topology = stage.buildTopology();
        final String input = view.prefix() + plan.topic();
        final Set<String> replayInputs = sources(topology);
        final Set<String> outputs = sinks(topology);
        outputs.remove(view.llmRequests.name());
        try (TopicAdmin admin = TopicAdmin.create(client)) {
            final int partitions = admin.describe(List.of(source)).get(0).partitions();
            final Set<String> used = new LinkedHashSet<>(replayInputs);
            used.addAll(outputs);
            used.add(view.llmRequests.name());
            used.add(view.dlq);
            admin.ensure(view.specs(partitions, config.replication()).stream()
                    .filter(spec -> used.contains(spec.name())).toList(), timeout);
            final long fed = admin.countCommitted(input, timeout);
            if (fed > 0) {
                throw new IllegalStateException("replay '" + plan.name() + "' was fed before: " + input + " holds "
                        + fed + " records; name this replay otherwise (--name)");
            }
        }
        final long copied = RangeCopy.copy(client, source, input, plan.from(), plan.to(), timeout).values().stream()
                .mapToLong(Long::longValue).sum();
        LOG.info("replay {}: copied {} records of {} into {}", plan.name(), copied, source, input);
        final CountingBackend counted = new CountingBackend(backend);
        try (GroupInstance instance = GroupInstance.acquire(config.dataDir().resolve("replay").resolve(plan.name()));
                StageRunner runner = new StageRunner(stage, replayConfig, client.bootstrapServers(), view.dlq, instance);
                LlmGateway gateway = new LlmGateway(view, counted, config.gatewayConcurrency(),
                        config.llmCacheEntries(), config.prices(), config.clientProperties(),
                        client.bootstrapServers(), instance);
                Quiescence quiescence = new Quiescence(client)) {
            gateway.start();
            runner.start();
            runner.awaitRunning(timeout);
            final String applicationId = replayConfig.topicPrefix() + stage.name();
            final String gatewayGroup = view.prefix() + "gateway";
            final long deadline = System.nanoTime() + timeout.toNanos();
            int quietRounds = 0;
            // Two quiet rounds in a row: a reply the gateway sent between the two checks of one round shows in the next.
            while (quietRounds < 2) {
                if (runner.failure() != null || gateway.failure() != null) {
                    throw new IllegalStateException("replay " + plan.name() + " failed",
                            runner.failure() != null ? runner.failure() : gateway.failure());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replay " + plan.name() + " still busy after " + timeout);
                }
                Thread.sleep(QUIET_ROUND.toMillis());
                final boolean quiet = quiescence.caughtUp(applicationId, replayInputs)
                        && quiescence.caughtUp(gatewayGroup, List.of(view.llmRequests.name()))
                        && quiescence.caughtUp(applicationId, replayInputs);
                quietRounds = quiet ? quietRounds + 1 : 0;
            }
            final Map<String, Long> written = new LinkedHashMap<>();
            try (TopicAdmin admin = TopicAdmin.create(client)) {
                for (final String output : outputs) {
                    written.put(output, admin.countCommitted(output, timeout));
                }
            }
            return new Report(input, copied, written, gateway.answered(), counted.calls.get());
        }
    }

    private static Set<String> sources(final Topology topology) {
        return TopologyNodes.of(topology).filter(TopologyDescription.Source.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> sinks(final Topology topology) {
        return TopologyNodes.of(topology).filter(TopologyDescription.Sink.class::isInstance)
                .map(node -> ((TopologyDescription.Sink) node).topic()).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static List<String> unprefixed(final Set<String> names, final String prefix) {
        return names.stream().map(name -> name.startsWith(prefix) ? name.substring(prefix.length()) : name).toList();
    }

    /** The backend as the gateway sees it, counting the requests that reach it: those the cache did not answer. */
    private static final class CountingBackend extends ForwardingBackend {
        private final AtomicLong calls = new AtomicLong();

        CountingBackend(final LlmBackend backend) {
            super(backend);
        }

        @Override
        public CompletableFuture<LlmReply> answer(final LlmRequest request) {
            calls.incrementAndGet();
            return backend.answer(request);
        }

        /** The replay's caller owns the backend; the gateway closing on its way out must not close it. */
        @Override
        public void close() {}
    }
}

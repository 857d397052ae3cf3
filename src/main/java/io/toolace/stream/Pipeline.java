package io.toolace.stream;

import io.toolace.stream.dialog.ComplexityProxy;
import io.toolace.stream.dialog.PlannerStage;
import io.toolace.stream.dialog.TurnStage;
import io.toolace.stream.dlv.VerificationStage;
import io.toolace.stream.dlv.VerifierRuleLayer;
import io.toolace.stream.evolution.EvolutionStage;
import io.toolace.stream.evolution.PoolStage;
import io.toolace.stream.evolution.SpeciationStage;
import io.toolace.stream.evolution.VerifierApiCheck;
import io.toolace.stream.kafka.EmbeddedKafka;
import io.toolace.stream.kafka.GroupInstance;
import io.toolace.stream.kafka.HangingTransactions;
import io.toolace.stream.kafka.KafkaClientConfig;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Stage;
import io.toolace.stream.kafka.StageRunner;
import io.toolace.stream.kafka.RegistrySerdes;
import io.toolace.stream.kafka.TopicAdmin;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.kafka.registry.EmbeddedRegistry;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.LlmGateway;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.ops.GlobalMeters;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.verify.RuleConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: broker and registry (embedded unless configured), topics, the
 * stages selected, and the LLM gateway. The CLI's {@code run} and the integration tests start it the
 * same way.
 *
 * <pre>
 * api.seeds -> speciation -> api.context -> evolution -> api.candidates -> pool -> api.pool
 * api.pool -> planner -> dialog.drafts <-> dialog (turns via the gateway) -> samples.candidates
 * samples.candidates -> verify (rule layer, model layer via the gateway) -> samples.verified | samples.rejected
 * llm.requests -> gateway -> llm.replies.*
 * </pre>
 */
public final class Pipeline implements AutoCloseable {

    /** Every stage in topological order; {@code gateway} is the LLM gateway. */
    public static final List<String> STAGES =
            List.of("speciation", "evolution", "pool", "planner", "dialog", "verify", "gateway");

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final PipelineConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, StageRunner> runners = new LinkedHashMap<>();
    private EmbeddedKafka broker;
    private EmbeddedRegistry registry;
    private Topics topics;
    private LlmGateway gateway;
    private String bootstrapServers;
    private String registryUrl;

    private Pipeline(final PipelineConfig config) {
        this.config = config;
    }

    static {
        // Progress lines and summaries read the counters.
        GlobalMeters.ensureBacked();
        // Avro 1.12 builds records only of classes it trusts; the request schema names nearly all of ours.
        TrustedClasses.trustNamedTypesOf(LlmRequest.getClassSchema());
        TrustedClasses.trustNamedTypesOf(DialogOutcome.getClassSchema());
        TrustedClasses.trustNamedTypesOf(LlmReply.getClassSchema());
    }

    /**
     * Starts the infrastructure and the named stages and waits until each runs; the gateway, if
     * selected, asks the procedural backend of the config's seed and fault rate.
     */
    public static Pipeline start(final PipelineConfig config, final Set<String> stages, final Duration timeout)
            throws InterruptedException {
        return start(config, stages, timeout, proceduralBackend(config));
    }

    /** The embedded backend for the config's seed and fault rate, mixing request types as a pipeline run does. */
    public static ProceduralBackend proceduralBackend(final PipelineConfig config) {
        return new ProceduralBackend(new ProceduralSettings(config.faultRate(), config.seed(),
                ProceduralSettings.PIPELINE_MIXED_SHARE));
    }

    /** As {@link #start(PipelineConfig, Set, Duration)}, the gateway asking {@code backend}, which the pipeline closes. */
    public static Pipeline start(final PipelineConfig config, final Set<String> stages, final Duration timeout,
            final LlmBackend backend) throws InterruptedException {
        final Pipeline pipeline = new Pipeline(config);
        pipeline.resources.add(backend);
        try {
            pipeline.startInfrastructure(timeout);
            pipeline.startStages(stages, timeout, backend);
            return pipeline;
        } catch (final RuntimeException | InterruptedException e) {
            pipeline.close();
            throw e;
        }
    }

    private void startInfrastructure(final Duration timeout) {
        if (config.embeddedBroker()) {
            broker = EmbeddedKafka.builder(config.dataDir()).clientSecurity(config.clientProperties()).start();
            resources.add(broker);
            bootstrapServers = broker.bootstrapServers();
            // A kill of this process leaves the single node to recover uncleanly, which can strand transactions.
            resources.add(HangingTransactions.watch(clientConfig()));
        } else {
            bootstrapServers = config.bootstrapServers();
        }
        if (config.embeddedRegistry()) {
            registry = EmbeddedRegistry.start(config.dataDir());
            resources.add(registry);
            registryUrl = registry.url();
        } else {
            registryUrl = config.registryUrl();
        }
        topics = new Topics(config.topicPrefix(), RegistrySerdes.connect(registryUrl, config.clientProperties()));
        try (TopicAdmin admin = TopicAdmin.create(clientConfig())) {
            admin.ensure(topics.specs(config.partitions(), config.replication()), timeout);
        }
        LOG.info("kafka at {}, registry at {}, topics under '{}'", clientConfig(), registryUrl,
                config.topicPrefix());
    }

    private void startStages(final Set<String> selected, final Duration timeout, final LlmBackend backend)
            throws InterruptedException {
        if (selected.contains("speciation")) {
            seedIfEmpty(timeout);
        }
        if (selected.isEmpty()) {
            return;
        }
        final GroupInstance instance = GroupInstance.acquire(config.dataDir());
        resources.add(instance);
        for (final Stage stage : stages(selected, backend)) {
            final StageRunner runner = new StageRunner(stage, config, bootstrapServers, topics.dlq, instance);
            runners.put(stage.name(), runner);
            resources.add(runner);
        }
        // Started together: each restores its state from changelogs at the same time as the others.
        runners.values().forEach(StageRunner::start);
        for (final StageRunner runner : runners.values()) {
            runner.awaitRunning(timeout);
        }
        if (selected.contains("gateway")) {
            gateway = new LlmGateway(topics, backend, config.gatewayConcurrency(), config.llmCacheEntries(),
                    config.prices(), config.clientProperties(), bootstrapServers, instance);
            resources.add(gateway);
            gateway.start();
        }
    }

    private List<Stage> stages(final Set<String> selected, final LlmBackend backend) {
        for (final String name : selected) {
            if (!STAGES.contains(name)) {
                throw new IllegalArgumentException("no stage '" + name + "'; stages are " + STAGES);
            }
        }
        final InlineLlm inline = config.inlineBackend() ? new InlineLlm(backend, config.prices()) : null;
        final List<Stage> stages = new ArrayList<>();
        for (final String name : STAGES) {
            if (selected.contains(name) && !name.equals("gateway")) {
                stages.add(stage(name, topics, config, RuleConfig.DEFAULTS, inline));
            }
        }
        return stages;
    }

    /**
     * The stage of that name on {@code topics}: the production topics, or a replay's view of them; the
     * verification stage checks under {@code rules}.
     */
    public static Stage stage(final String name, final Topics topics, final PipelineConfig config,
            final RuleConfig rules) {
        return stage(name, topics, config, rules, null);
    }

    /**
     * As {@link #stage(String, Topics, PipelineConfig, RuleConfig)}, the dialog and verify stages asking
     * {@code inline} (null: the gateway).
     */
    public static Stage stage(final String name, final Topics topics, final PipelineConfig config,
            final RuleConfig rules, final InlineLlm inline) {
        return switch (name) {
            case "speciation" -> new SpeciationStage(topics);
            case "evolution" -> new EvolutionStage(topics, config);
            case "pool" -> new PoolStage(topics, new VerifierApiCheck(), config.nearDuplicateThreshold());
            case "planner" -> new PlannerStage(topics, config);
            case "dialog" -> new TurnStage(topics, config, inline);
            case "verify" -> new VerificationStage(topics, config, new VerifierRuleLayer(rules), new ComplexityProxy(),
                    inline);
            default -> throw new IllegalArgumentException("no Kafka Streams stage '" + name + "'; stages are "
                    + STAGES.subList(0, STAGES.size() - 1));
        };
    }

    /**
     * Feeds the built-in seed corpus on first start. One transaction, so a crash mid-way leaves
     * either all seeds or none, and a restart that finds seeds does not feed them again.
     */
    private void seedIfEmpty(final Duration timeout) {
        try (TopicAdmin admin = TopicAdmin.create(clientConfig())) {
            if (admin.countCommitted(topics.seeds.name(), timeout) > 0) {
                return;
            }
        }
        final Properties props = clientConfig().clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.topicPrefix() + "seeder");
        final List<SeedDocument> corpus = BuiltinSeeds.corpus();
        try (KafkaProducer<String, SeedDocument> producer = new KafkaProducer<>(props, new StringSerializer(),
                topics.seeds.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (final SeedDocument seed : corpus) {
                producer.send(new ProducerRecord<>(topics.seeds.name(), seed.getId(), seed));
            }
            producer.commitTransaction();
        }
        LOG.info("fed {} built-in seed documents to {}", corpus.size(), topics.seeds.name());
    }

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.of(bootstrapServers, config.clientProperties());
    }

    public PipelineConfig config() {
        return config;
    }

    public Topics topics() {
        return topics;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    public LlmGateway gateway() {
        return gateway;
    }

    public Map<String, StageRunner> runners() {
        return Collections.unmodifiableMap(runners);
    }

    /** The first failure of a stage or the gateway, or null while all are well. */
    public Throwable failure() {
        for (final StageRunner runner : runners.values()) {
            if (runner.failure() != null) {
                return runner.failure();
            }
        }
        return gateway == null ? null : gateway.failure();
    }

    /** Stops in reverse order of start: gateway and stages first, the broker last. */
    @Override
    public void close() {
        final List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (final AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (final Exception e) {
                LOG.warn("while stopping {}: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
    }
}

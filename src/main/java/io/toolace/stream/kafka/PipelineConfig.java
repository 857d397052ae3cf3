package io.toolace.stream.kafka;

import io.toolace.stream.llm.PriceTable;
import io.toolace.stream.records.DialogType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a process of the pipeline needs to know, with defaults that run. The CLI builds it from
 * options and {@code TOOLACE_*} environment variables; tests build it directly.
 *
 * @param bootstrapServers Kafka bootstrap servers; {@code null} starts the embedded broker
 * @param registryUrl schema registry URL (Confluent REST API); {@code null} starts the embedded registry
 * @param dataDir where the embedded broker, registry, Streams state and output live
 * @param topicPrefix prefix of every topic name and Streams application id
 * @param partitions partitions of every pipeline topic
 * @param replication replication factor of every pipeline topic
 * @param clientProperties passed to every Kafka client (security settings, for example)
 * @param faultRate share of procedural dialogs carrying one labelled fault
 * @param seed seed of the procedural backend
 * @param maxInFlightDialogs planned dialogs not yet verified, rejected or dead-lettered, over all planner tasks
 * @param planLimit dialogs to plan in total, 0 for no limit (continuous)
 * @param dialogMix relative weight of each dialog type the planner picks
 * @param maxTargetTurns the planner picks 1..this many user requests per dialog
 * @param maxToolsPerDialog candidate APIs per dialog, distractors included
 * @param maxSteps agent steps after which a draft is rejected as runaway
 * @param maxGeneration evolution depth: each pooled API below it is evolved into one more
 * @param judges model-layer judges every rule-passing sample must pass
 * @param judgeVotes answers asked of each judge; a judge passes a sample when most of its answers do
 * @param gatewayConcurrency LLM requests the gateway keeps in flight
 * @param nearDuplicateThreshold similarity to a pooled API of the same sub-domain at or above which the pool
 *     rejects a candidate as a near duplicate, in (0, 1]
 * @param complexityLow lower end of the complexity band the planner steers verified samples into: below it,
 *     drafts get a harder user instruction and more candidate APIs. ToolACE trained best on medium complexity
 * @param complexityHigh upper end of that band: above it, drafts get an easier instruction and fewer APIs
 * @param assistantVotes answers sampled of each assistant action; the action is kept when more than half of them
 *     agree on their tool calls. Any count of at least 1 works: a strict majority is unique whatever the count,
 *     and an even count just asks for more agreement (2 of 2, 3 of 4). 1 takes the one answer, no vote
 * @param voteRetries times an assistant action without a majority is sampled afresh before its draft is rejected
 * @param complexityModel measure a verified sample's complexity as the backend model's mean token loss on it (a
 *     {@code SCORE_COMPLEXITY} request through the gateway) rather than with the model-free proxy; a backend
 *     without log-probabilities falls back to the proxy. Off by default: it costs one more call per sample
 * @param complexityLossEasy mean token loss, nats/token, at or below which a sample has complexity 0; between it
 *     and {@code complexityLossHard} complexity grows linearly, so the band's middle is their middle. The defaults,
 *     0.5 and 2.5, are a starting point, not a measurement: the level depends on the model and on the text scored
 *     (the whole JSONL line, tool list included), so read the losses of a first run and set the scale around them
 * @param complexityLossHard mean token loss at or above which a sample has complexity 1
 * @param llmCacheEntries answers the gateway keeps in memory to reply to a repeated request without a call; the least
 *     recently used beyond it are paid for again. 0 turns the cache off
 * @param prices USD per million prompt and completion tokens of each model, for the cost accounting
 * @param answerRetries times an agent turn or a judge is asked again when its reply is an error (a call that
 *     failed for good, an answer that could not be used) before its draft is rejected or the judge counted failed
 * @param dedupHorizon how long (in record time) verification remembers a verified sample's content hash to reject
 *     a repeat as SAMPLE_DUPLICATE; beyond it the memory is dropped, which bounds the store. {@code export --dedup}
 *     removes repeats further apart exactly
 * @param commitInterval how often each stage commits its transaction. Under exactly-once a record is visible
 *     downstream only once committed, so every hop of the turn loop waits up to this long; a longer interval
 *     means fewer transactions (markers, offset commits) per record and more latency per dialog
 * @param inlineBackend ask a backend that answers inline (procedural) on the dialog and verify stages' own
 *     threads instead of through {@code llm.requests} and the gateway: a dialog's turns and a sample's judges
 *     then take one processing step each, not a record round trip per call
 * @param streamThreads Kafka Streams threads of each stage in this process
 */
public record PipelineConfig(
        String bootstrapServers,
        String registryUrl,
        Path dataDir,
        String topicPrefix,
        int partitions,
        short replication,
        Map<String, String> clientProperties,
        double faultRate,
        long seed,
        int maxInFlightDialogs,
        long planLimit,
        Map<DialogType, Double> dialogMix,
        int maxTargetTurns,
        int maxToolsPerDialog,
        int maxSteps,
        int maxGeneration,
        List<String> judges,
        int judgeVotes,
        int gatewayConcurrency,
        double nearDuplicateThreshold,
        double complexityLow,
        double complexityHigh,
        int assistantVotes,
        int voteRetries,
        boolean complexityModel,
        double complexityLossEasy,
        double complexityLossHard,
        int llmCacheEntries,
        PriceTable prices,
        int answerRetries,
        Duration dedupHorizon,
        Duration commitInterval,
        boolean inlineBackend,
        int streamThreads) {

    public static final List<String> ALL_JUDGES = List.of(
            "JUDGE_HALLUCINATION", "JUDGE_CONSISTENCY", "JUDGE_TOOL_RESPONSE", "JUDGE_REPETITIVE");

    public PipelineConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (maxInFlightDialogs < 1) {
            throw new IllegalArgumentException("maxInFlightDialogs must be at least 1, got " + maxInFlightDialogs);
        }
        if (maxTargetTurns < 1 || maxToolsPerDialog < 1) {
            throw new IllegalArgumentException("maxTargetTurns and maxToolsPerDialog must be at least 1");
        }
        if (judgeVotes < 1 || judgeVotes % 2 == 0) {
            throw new IllegalArgumentException("judgeVotes must be odd and at least 1, so a majority exists, got "
                    + judgeVotes);
        }
        if (!(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1)) {
            throw new IllegalArgumentException("nearDuplicateThreshold must be in (0, 1], got " + nearDuplicateThreshold);
        }
        if (!(0 <= complexityLow && complexityLow <= complexityHigh && complexityHigh <= 1)) {
            throw new IllegalArgumentException("the complexity band must satisfy 0 <= low <= high <= 1, got "
                    + complexityLow + ".." + complexityHigh);
        }
        if (assistantVotes < 1) {
            throw new IllegalArgumentException("assistantVotes must be at least 1, got " + assistantVotes);
        }
        if (voteRetries < 0) {
            throw new IllegalArgumentException("voteRetries must be at least 0, got " + voteRetries);
        }
        if (!(0 <= complexityLossEasy && complexityLossEasy < complexityLossHard)) {
            throw new IllegalArgumentException("the complexity loss scale must satisfy 0 <= easy < hard, got "
                    + complexityLossEasy + ".." + complexityLossHard);
        }
        if (llmCacheEntries < 0) {
            throw new IllegalArgumentException("llmCacheEntries must be at least 0, got " + llmCacheEntries);
        }
        Objects.requireNonNull(prices, "prices");
        if (answerRetries < 0) {
            throw new IllegalArgumentException("answerRetries must be at least 0, got " + answerRetries);
        }
        if (dedupHorizon == null || dedupHorizon.toMillis() < 1) {
            throw new IllegalArgumentException("dedupHorizon must be positive, got " + dedupHorizon);
        }
        if (commitInterval == null || commitInterval.toMillis() < 1) {
            throw new IllegalArgumentException("commitInterval must be at least 1 ms, got " + commitInterval);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be at least 1, got " + streamThreads);
        }
        clientProperties = ClientSettings.secretSafeCopy(clientProperties);
        dialogMix = Map.copyOf(dialogMix);
        judges = List.copyOf(judges);
        if (dialogMix.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("dialogMix needs at least one positive weight");
        }
    }

    /** The paper's four dialog types plus clarification, weighted roughly as in ToolACE's data. */
    public static Map<DialogType, Double> defaultMix() {
        final Map<DialogType, Double> mix = new EnumMap<>(DialogType.class);
        mix.put(DialogType.SINGLE, 0.35);
        mix.put(DialogType.PARALLEL, 0.20);
        mix.put(DialogType.DEPENDENT, 0.15);
        mix.put(DialogType.NON_TOOL, 0.15);
        mix.put(DialogType.CLARIFY, 0.15);
        return mix;
    }

    public static Builder builder(final Path dataDir) {
        return new Builder(dataDir);
    }

    public Builder toBuilder() {
        final Builder b = new Builder(dataDir);
        b.bootstrapServers = bootstrapServers;
        b.registryUrl = registryUrl;
        b.topicPrefix = topicPrefix;
        b.partitions = partitions;
        b.replication = replication;
        b.clientProperties = clientProperties;
        b.faultRate = faultRate;
        b.seed = seed;
        b.maxInFlightDialogs = maxInFlightDialogs;
        b.planLimit = planLimit;
        b.dialogMix = dialogMix;
        b.maxTargetTurns = maxTargetTurns;
        b.maxToolsPerDialog = maxToolsPerDialog;
        b.maxSteps = maxSteps;
        b.maxGeneration = maxGeneration;
        b.judges = judges;
        b.judgeVotes = judgeVotes;
        b.gatewayConcurrency = gatewayConcurrency;
        b.nearDuplicateThreshold = nearDuplicateThreshold;
        b.complexityLow = complexityLow;
        b.complexityHigh = complexityHigh;
        b.assistantVotes = assistantVotes;
        b.voteRetries = voteRetries;
        b.complexityModel = complexityModel;
        b.complexityLossEasy = complexityLossEasy;
        b.complexityLossHard = complexityLossHard;
        b.llmCacheEntries = llmCacheEntries;
        b.prices = prices;
        b.answerRetries = answerRetries;
        b.dedupHorizon = dedupHorizon;
        b.commitInterval = commitInterval;
        b.inlineBackend = inlineBackend;
        b.streamThreads = streamThreads;
        return b;
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    public boolean embeddedRegistry() {
        return registryUrl == null || registryUrl.isBlank();
    }

    /** Mutable collector of settings; every field starts at the default that runs. */
    public static final class Builder {
        private final Path dataDir;
        private String bootstrapServers;
        private String registryUrl;
        private String topicPrefix = "toolace.";
        private int partitions = 4;
        private short replication = 1;
        private Map<String, String> clientProperties = Map.of();
        private double faultRate = 0.1;
        private long seed = 42L;
        private int maxInFlightDialogs = 2_000;
        private long planLimit;
        private Map<DialogType, Double> dialogMix = defaultMix();
        private int maxTargetTurns = 3;
        private int maxToolsPerDialog = 4;
        private int maxSteps = 40;
        private int maxGeneration = 8;
        private List<String> judges = ALL_JUDGES;
        private int judgeVotes = 1;
        private int gatewayConcurrency = 64;
        private double nearDuplicateThreshold = 0.9;
        private double complexityLow = 0.3;
        private double complexityHigh = 0.7;
        private int assistantVotes = 1;
        private int voteRetries = 1;
        private boolean complexityModel;
        private double complexityLossEasy = 0.5;
        private double complexityLossHard = 2.5;
        private int llmCacheEntries = 100_000;
        private PriceTable prices = PriceTable.NONE;
        private int answerRetries = 2;
        private Duration dedupHorizon = Duration.ofDays(7);
        private Duration commitInterval = Duration.ofMillis(100);
        private boolean inlineBackend;
        private int streamThreads = 1;

        private Builder(final Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder bootstrapServers(final String v) { bootstrapServers = v; return this; }
        public Builder registryUrl(final String v) { registryUrl = v; return this; }
        public Builder topicPrefix(final String v) { topicPrefix = v; return this; }
        public Builder partitions(final int v) { partitions = v; return this; }
        public Builder replication(final short v) { replication = v; return this; }
        public Builder clientProperties(final Map<String, String> v) { clientProperties = v; return this; }
        public Builder faultRate(final double v) { faultRate = v; return this; }
        public Builder seed(final long v) { seed = v; return this; }
        public Builder maxInFlightDialogs(final int v) { maxInFlightDialogs = v; return this; }
        public Builder planLimit(final long v) { planLimit = v; return this; }
        public Builder dialogMix(final Map<DialogType, Double> v) { dialogMix = v; return this; }
        public Builder maxTargetTurns(final int v) { maxTargetTurns = v; return this; }
        public Builder maxToolsPerDialog(final int v) { maxToolsPerDialog = v; return this; }
        public Builder maxSteps(final int v) { maxSteps = v; return this; }
        public Builder maxGeneration(final int v) { maxGeneration = v; return this; }
        public Builder judges(final List<String> v) { judges = v; return this; }
        public Builder judgeVotes(final int v) { judgeVotes = v; return this; }
        public Builder gatewayConcurrency(final int v) { gatewayConcurrency = v; return this; }
        public Builder nearDuplicateThreshold(final double v) { nearDuplicateThreshold = v; return this; }
        public Builder complexityBand(final double low, final double high) {
            complexityLow = low;
            complexityHigh = high;
            return this;
        }
        public Builder assistantVotes(final int v) { assistantVotes = v; return this; }
        public Builder voteRetries(final int v) { voteRetries = v; return this; }
        public Builder complexityModel(final boolean v) { complexityModel = v; return this; }
        public Builder complexityLoss(final double easy, final double hard) {
            complexityLossEasy = easy;
            complexityLossHard = hard;
            return this;
        }
        public Builder llmCacheEntries(final int v) { llmCacheEntries = v; return this; }
        public Builder prices(final PriceTable v) { prices = v; return this; }
        public Builder answerRetries(final int v) { answerRetries = v; return this; }
        public Builder dedupHorizon(final Duration v) { dedupHorizon = v; return this; }
        public Builder commitInterval(final Duration v) { commitInterval = v; return this; }
        public Builder inlineBackend(final boolean v) { inlineBackend = v; return this; }
        public Builder streamThreads(final int v) { streamThreads = v; return this; }

        public PipelineConfig build() {
            return new PipelineConfig(bootstrapServers, registryUrl, dataDir, topicPrefix, partitions, replication,
                    clientProperties, faultRate, seed, maxInFlightDialogs, planLimit, dialogMix, maxTargetTurns,
                    maxToolsPerDialog, maxSteps, maxGeneration, judges, judgeVotes, gatewayConcurrency,
                    nearDuplicateThreshold, complexityLow, complexityHigh, assistantVotes, voteRetries,
                    complexityModel, complexityLossEasy, complexityLossHard, llmCacheEntries, prices,
                    answerRetries, dedupHorizon, commitInterval, inlineBackend, streamThreads);
        }
    }
}

package io.toolace.stream.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.Pipeline;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.kafka.CommittedKeys;
import io.toolace.stream.kafka.DeadLetters;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.SampleExporter;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.PriceTable;
import io.toolace.stream.ops.OpsServer;
import io.toolace.stream.records.DialogType;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the pipeline (all stages by default) and writes verified samples as ToolACE JSONL. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the pipeline: embedded broker and procedural backend unless configured otherwise.")
public final class RunCommand implements Callable<Integer> {

    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    BackendOptions llm = new BackendOptions();

    @Option(names = "--target", defaultValue = "0",
            description = "Stop after this many verified samples in --out (0: run until Ctrl-C).")
    long target;

    @Option(names = "--pool-target", defaultValue = "0",
            description = "Stop once the API pool holds this many APIs (0: no pool target).")
    long poolTarget;

    @Option(names = "--out", defaultValue = "out/verified.jsonl",
            description = "Verified samples, ToolACE JSONL, appended exactly once across restarts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--thinking",
            description = "Write each assistant turn's formalized thinking beside it in --out (a 'thinking' list).")
    boolean thinking;

    @Option(names = "--no-export",
            description = "Do not write --out from this process (one stage per process: let one exporter do it).")
    boolean noExport;

    @Option(names = "--stages", split = ",", description = "Stages this process runs (default: all): ${COMPLETION-CANDIDATES}.",
            completionCandidates = StageNames.class)
    List<String> stages = Pipeline.STAGES;

    @Option(names = "--fault-rate", defaultValue = "0.1",
            description = "Share of procedural dialogs with one labelled fault, to measure the verifier (default: ${DEFAULT-VALUE}).")
    double faultRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the procedural backend (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-in-flight", defaultValue = "2000",
            description = "Dialogs planned and not yet ended, at most (backpressure; default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--plan-limit", defaultValue = "0",
            description = "Dialogs to plan in total; 0 plans without end. Without --target, the run stops once every"
                    + " planned dialog has ended and its sample is in --out (default: ${DEFAULT-VALUE}).")
    long planLimit;

    @Option(names = "--max-generation", defaultValue = "8",
            description = "Evolution depth of the API pool (default: ${DEFAULT-VALUE}).")
    int maxGeneration;

    @Option(names = "--near-duplicate-threshold", defaultValue = "0.9",
            description = "Similarity to a pooled API of the same sub-domain at which the pool rejects a candidate, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double nearDuplicateThreshold;

    @Option(names = "--judge-votes", defaultValue = "1",
            description = "Answers asked of each model-layer judge, odd; the majority decides (default: ${DEFAULT-VALUE}).")
    int judgeVotes;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "LLM requests the gateway keeps in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--assistant-votes",
            description = "Answers sampled of each assistant action; kept when more than half agree on the tool calls"
                    + " (default: 1 with the procedural backend, whose answers are deterministic; 3 with openai).")
    Integer assistantVotes;

    @Option(names = "--vote-retries", defaultValue = "1",
            description = "Times an assistant action without a majority is sampled afresh before the draft is rejected"
                    + " (default: ${DEFAULT-VALUE}).")
    int voteRetries;

    @Option(names = "--answer-retries", defaultValue = "2",
            description = "Times an agent turn or a judge is asked again when its reply is an error (a call that failed"
                    + " for good, an unusable answer) before the draft is rejected with LLM_ERROR or the judge's vote"
                    + " counts as failed (default: ${DEFAULT-VALUE}).")
    int answerRetries;

    @Option(names = "--dedup-horizon", defaultValue = "P7D",
            description = "How long (ISO-8601, record time) verification remembers a verified sample's content to"
                    + " reject a repeat; older memory is dropped so the store stays bounded (default: ${DEFAULT-VALUE}).")
    Duration dedupHorizon;

    @Option(names = "--commit-interval", defaultValue = "PT0.1S",
            description = "How often each stage commits its transaction (ISO-8601). A record is seen downstream once"
                    + " committed, so each hop of the turn loop waits up to this long; longer means fewer transactions"
                    + " per record and more latency per dialog (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--inline-backend",
            description = "Ask the procedural backend on the dialog and verify stages' own threads instead of through"
                    + " llm.requests and the gateway: a dialog's turns and a sample's judges take one processing step"
                    + " each instead of a record round trip per call, about three times the throughput. The samples are the"
                    + " same; the calls are counted in the metrics but not written to llm.usage. Refused with a backend"
                    + " that calls a server.")
    boolean inlineBackend;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "Kafka Streams threads of each stage in this process; with --inline-backend the dialog stage"
                    + " does the agents' work on them (default: ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--complexity-band", split = ",", paramLabel = "LOW,HIGH", defaultValue = "0.3,0.7",
            description = "Complexity the planner steers verified samples into: below, it asks the user agent for"
                    + " harder requests with more tools; above, simpler ones (default: ${DEFAULT-VALUE}).")
    double[] complexityBand;

    @Option(names = "--complexity-model",
            description = "Measure a verified sample's complexity as the backend model's mean token loss on it (openai:"
                    + " echoed logprobs of /completions, as vLLM serves them); without logprobs, and with the procedural"
                    + " backend, the proxy measures it. Costs one call per verified sample.")
    boolean complexityModel;

    @Option(names = "--complexity-loss", split = ",", paramLabel = "EASY,HARD", defaultValue = "0.5,2.5",
            description = "With --complexity-model: mean token loss (nats/token) of complexity 0 and of complexity 1,"
                    + " linear between; calibrate per model (default: ${DEFAULT-VALUE}).")
    double[] complexityLoss;

    @Option(names = "--http-port", defaultValue = "${env:TOOLACE_HTTP_PORT:-" + OpsServer.DEFAULT_PORT + "}",
            description = "Port of /metrics (Prometheus) and /health, /health/live, /health/ready on every interface"
                    + " (env TOOLACE_HTTP_PORT; 0: any free port, logged; -1: none; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--progress-every", defaultValue = "PT2S",
            description = "How often to print a progress line, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration progressEvery;

    /** The stage names, for --help. */
    static final class StageNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Pipeline.STAGES.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (complexityBand.length != 2) {
            throw new ParameterException(spec.commandLine(), "--complexity-band takes two numbers, LOW,HIGH");
        }
        if (complexityLoss.length != 2) {
            throw new ParameterException(spec.commandLine(), "--complexity-loss takes two numbers, EASY,HARD");
        }
        final PipelineConfig config = cluster.toBuilder()
                .faultRate(faultRate)
                .seed(seed)
                .maxInFlightDialogs(maxInFlight)
                .planLimit(planLimit)
                .maxGeneration(maxGeneration)
                .nearDuplicateThreshold(nearDuplicateThreshold)
                .judgeVotes(judgeVotes)
                .gatewayConcurrency(concurrency)
                .complexityBand(complexityBand[0], complexityBand[1])
                .assistantVotes(assistantVotes != null ? assistantVotes : "openai".equals(llm.backend) ? 3 : 1)
                .voteRetries(voteRetries)
                .answerRetries(answerRetries)
                .dedupHorizon(dedupHorizon)
                .commitInterval(commitInterval)
                .inlineBackend(inlineBackend)
                .streamThreads(streamThreads)
                .complexityModel(complexityModel)
                .complexityLoss(complexityLoss[0], complexityLoss[1])
                .llmCacheEntries(llm.cacheEntries)
                .prices(prices())
                .build();
        final PrintStream console = System.out;
        final long started = System.nanoTime();
        if (noExport && target > 0) {
            throw new ParameterException(spec.commandLine(), "--target counts the samples exported: drop --no-export");
        }
        final Progress progress;
        try (ShutdownSignal stop = new ShutdownSignal();
                OpsServer ops = opsServer();
                Pipeline pipeline = Pipeline.start(config, new LinkedHashSet<>(stages), Duration.ofMinutes(2),
                        backend(config));
                SampleExporter exporter = noExport ? null : new SampleExporter(pipeline.clientConfig(),
                        pipeline.topics().verified, out,
                        sample -> ToolSamples.toLine(sample, SampleFormat.TOOLACE, thinking));
                CommittedKeys pool = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().pool.name());
                CommittedKeys outcomes = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().outcomes.name(),
                        false);
                AutoCloseable poolSize = poolSizeGauge(pool)) {
            if (ops != null) {
                ops.watch(pipeline);
            }
            if (exporter != null) {
                exporter.start();
            }
            console.printf("toolace-stream running stages %s: kafka %s, data %s%s%s%n", stages,
                    pipeline.bootstrapServers(), config.dataDir(), noExport ? "" : ", verified samples to " + out,
                    config.inlineBackend() ? ", agents and judges asked inline" : "");
            pool.start();
            final boolean untilPlanEnds = target == 0 && planLimit > 0;
            if (untilPlanEnds) {
                outcomes.start();
            }
            progress = new Progress(exporter, pool);
            while (!stop.await(progressEvery)) {
                console.println(progress.line());
                final Throwable failure = pipeline.failure() != null ? pipeline.failure()
                        : exporter != null ? exporter.failure() : null;
                if (failure != null) {
                    console.println("stopping: " + DeadLetters.describe(failure));
                    return 1;
                }
                if (target > 0 && exporter.written() >= target || poolTarget > 0 && pool.size() >= poolTarget) {
                    break;
                }
                if (untilPlanEnds && outcomes.records() >= planLimit) {
                    // Each verified sample is committed with its dialog's outcome: with every outcome read, the
                    // file is complete once it reaches the topic's end as it is now (a follower of the topic may
                    // still be behind it).
                    if (exporter != null) {
                        exporter.drain(DRAIN_TIMEOUT);
                    }
                    break;
                }
            }
        }
        // Once the exporter is closed: it writes what it had read on closing, and the summary counts it.
        console.println(progress.line());
        printSummary(console, Metrics.globalRegistry, config, progress.verified(), (System.nanoTime() - started) / 1e9);
        printCost(console, Metrics.globalRegistry);
        return 0;
    }

    /** The endpoint of --http-port, or null for -1; a port taken is the operator's to change, not a crash. */
    private OpsServer opsServer() {
        if (httpPort < -1 || httpPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--http-port takes 0..65535, or -1 for none");
        }
        try {
            return httpPort == -1 ? null : OpsServer.start(httpPort);
        } catch (final UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "--http-port: " + e.getMessage());
        }
    }

    /** The pool's size as a gauge while this run reads it; another run in the same JVM registers its own. */
    private static AutoCloseable poolSizeGauge(final CommittedKeys pool) {
        final Gauge gauge = Gauge.builder("toolace.pool.size", pool, CommittedKeys::size)
                .description("APIs in api.pool, as this process reads it (read_committed)")
                .register(Metrics.globalRegistry);
        return () -> Metrics.globalRegistry.remove(gauge);
    }

    private LlmBackend backend(final PipelineConfig config) {
        final LlmBackend backend;
        try {
            backend = llm.create(config);
        } catch (final IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (config.inlineBackend() && !backend.answersInline()) {
            backend.close();
            throw new ParameterException(spec.commandLine(), "--inline-backend: the " + backend.name()
                    + " backend calls a server, so its calls go through the gateway; inline is for --backend procedural");
        }
        return backend;
    }

    private PriceTable prices() {
        try {
            return llm.prices();
        } catch (final IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * What this run's LLM calls cost: calls and the share answered from the cache, tokens paid for, and USD
     * per task and model (from --price; unpriced models cost 0).
     */
    static void printCost(final PrintStream console, final MeterRegistry metrics) {
        double calls = 0;
        double cachedCalls = 0;
        for (final Counter counter : metrics.find("toolace.llm.calls").counters()) {
            calls += counter.count();
            cachedCalls += "true".equals(counter.getId().getTag("cached")) ? counter.count() : 0;
        }
        final double hits = sum(metrics, "toolace.llm.cache", "hit");
        final double lookups = hits + sum(metrics, "toolace.llm.cache", "miss");
        final Map<String, Double> costs = new TreeMap<>();
        for (final Counter counter : metrics.find("toolace.llm.cost").counters()) {
            costs.merge(String.format("%-20s %s", counter.getId().getTag("task"), counter.getId().getTag("model")),
                    counter.count(), Double::sum);
        }
        console.printf("llm: %.0f calls (%s from the cache, hit rate %s), %.0f tokens in, %.0f out, %.4f USD%n",
                calls, percent(cachedCalls, calls), percent(hits, lookups), sum(metrics, "toolace.llm.tokens", "prompt"),
                sum(metrics, "toolace.llm.tokens", "completion"), costs.values().stream().mapToDouble(Double::doubleValue).sum());
        costs.forEach((taskModel, usd) -> {
            if (usd > 0) {
                console.printf("  %s %10.4f USD%n", taskModel, usd);
            }
        });
    }

    /** One line of live counts and rates since the previous line. */
    private static final class Progress {
        private final SampleExporter exporter;
        private final CommittedKeys pool;
        private long lastVerified;
        private long lastNanos = System.nanoTime();

        Progress(final SampleExporter exporter, final CommittedKeys pool) {
            this.exporter = exporter;
            this.pool = pool;
            this.lastVerified = verified();
        }

        /** Samples in the output file, or decided verified by this process when it exports nothing. */
        long verified() {
            return exporter != null ? exporter.written() : (long) sum(Metrics.globalRegistry, "toolace.verify.decisions", "VERIFIED");
        }

        String line() {
            final long now = System.nanoTime();
            final long verified = verified();
            final double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
            final String line = String.format(
                    "verified %d (%.0f/s)  rejected %d  pool %d  planned %d  llm calls %d  dead letters %d",
                    verified, (verified - lastVerified) / seconds, (long) sum(Metrics.globalRegistry, "toolace.verify.decisions", "REJECTED")
                            + (long) sum(Metrics.globalRegistry, "toolace.dialog.rejected", null),
                    pool.size(), (long) sum(Metrics.globalRegistry, "toolace.planner.planned", null),
                    (long) sum(Metrics.globalRegistry, "toolace.llm.calls", null), DeadLetters.count());
            lastVerified = verified;
            lastNanos = now;
            return line;
        }
    }

    /** Sum of a counter over its tags, optionally only where a tag has the given value. */
    static double sum(final MeterRegistry metrics, final String name, final String tagValue) {
        double total = 0;
        for (final Counter counter : metrics.find(name).counters()) {
            if (tagValue == null || counter.getId().getTags().stream().anyMatch(t -> t.getValue().equals(tagValue))) {
                total += counter.count();
            }
        }
        return total;
    }

    /**
     * Pass rates of this run per layer, per rule and per domain, as the paper reports them; the dialog
     * types' shares of the verified samples against the configured mix; their mean measured complexity.
     */
    private static void printSummary(final PrintStream console, final MeterRegistry metrics, final PipelineConfig config,
            final long verified,
            final double seconds) {
        final Map<String, double[]> byDomain = new TreeMap<>();
        final Map<String, Double> verifiedByType = new TreeMap<>();
        double decided = 0;
        double passed = 0;
        double ruleRejected = 0;
        double modelRejected = 0;
        for (final Counter counter : metrics.find("toolace.verify.decisions").counters()) {
            final double count = counter.count();
            final String layer = counter.getId().getTag("layer");
            decided += count;
            passed += "none".equals(layer) ? count : 0;
            ruleRejected += "rule".equals(layer) || "pipeline".equals(layer) ? count : 0;
            modelRejected += "model".equals(layer) ? count : 0;
            final double[] domain = byDomain.computeIfAbsent(counter.getId().getTag("domain"), d -> new double[2]);
            domain[0] += count;
            domain[1] += "none".equals(layer) ? count : 0;
            final String type = counter.getId().getTag("type");
            if ("none".equals(layer) && type != null) {
                verifiedByType.merge(type, count, Double::sum);
            }
        }
        console.printf("this run: %.0f samples decided in %.0f s; %d verified in the output%n", decided, seconds,
                verified);
        console.printf("  rule layer passed %s, model layer passed %s, overall %s (paper, v1: 67.9%%, 91.1%%, 61.8%%)%n",
                percent(decided - ruleRejected, decided), percent(passed, passed + modelRejected),
                percent(passed, decided));
        final Map<String, Double> failures = new TreeMap<>();
        for (final Counter counter : metrics.find("toolace.verify.failures").counters()) {
            failures.merge(counter.getId().getTag("rule"), counter.count(), Double::sum);
        }
        failures.forEach((rule, count) -> console.printf("  %-32s %8.0f rejections%n", rule, count));
        byDomain.forEach((domain, counts) -> console.printf("  domain %-25s %6.0f decided, %s verified%n",
                domain, counts[0], percent(counts[1], counts[0])));
        console.println(mixLine(metrics, config, verifiedByType));
    }

    /** Each type's share of the verified samples, the configured share in brackets, and mean complexity. */
    static String mixLine(final MeterRegistry metrics, final PipelineConfig config,
            final Map<String, Double> verifiedByType) {
        final double weights = config.dialogMix().values().stream().mapToDouble(Double::doubleValue).sum();
        final double verified = verifiedByType.values().stream().mapToDouble(Double::doubleValue).sum();
        final StringBuilder line = new StringBuilder("  verified mix (configured):");
        for (final DialogType type : DialogType.values()) {
            final double target = config.dialogMix().getOrDefault(type, 0.0);
            if (target > 0 || verifiedByType.containsKey(type.name())) {
                line.append(String.format(" %s %s (%s)", type, percent(verifiedByType.getOrDefault(type.name(), 0.0),
                        verified), percent(target, weights)));
            }
        }
        double complexity = 0;
        long measured = 0;
        for (final DistributionSummary summary : metrics.find("toolace.planner.complexity")
                .summaries()) {
            complexity += summary.totalAmount();
            measured += summary.count();
        }
        return line.append(measured == 0 ? "; complexity not measured"
                : String.format("; mean complexity %.2f", complexity / measured)).toString();
    }

    private static String percent(final double part, final double whole) {
        return whole == 0 ? "-" : String.format("%.1f%%", 100 * part / whole);
    }
}

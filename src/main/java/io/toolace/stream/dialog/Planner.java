package io.toolace.stream.dialog;

import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.evolution.ApiCheck;
import io.toolace.stream.evolution.VerifierApiCheck;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.PoisonRecordException;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans dialogs from this task's share of the pool, on a wall-clock punctuation, while fewer than its
 * share of the in-flight budget are planned and not yet ended. Each draft's type comes from
 * {@link DialogMix}; its user instruction and tool count follow the measured complexity of recently
 * verified samples (self-guided complication): below the configured band they get harder, above it easier.
 */
final class Planner implements Processor<String, Object, String, DialogDraft> {

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    /**
     * Planning waits for this many APIs in the task's pool partition, so the first dialogs of a fresh
     * run do not all come from the first domain that evolution reached.
     */
    static final int MIN_POOL = 64;
    /**
     * A smaller pool is planned from once it has not grown for this long: a user's own seed corpus
     * may never reach {@link #MIN_POOL} APIs in a partition, and waiting for it would stall the run.
     */
    static final long POOL_SETTLE_MS = 5_000;
    /** Drafts planned per punctuation at most, so one transaction stays small. */
    private static final int MAX_PER_PUNCTUATION = 500;
    private static final String PLANNED = "planned";
    private static final String ENDED = "ended";
    /** The moving average's bits ({@link Double#doubleToLongBits}): the counters store holds longs. */
    private static final String COMPLEXITY = "complexity.ewma";
    /**
     * Verified samples the moving average of complexity mostly reflects: enough that one odd sample does
     * not flip the feedback, few enough that it follows the drafts it caused within one in-flight budget.
     */
    private static final int COMPLEXITY_WINDOW = 50;
    private static final double COMPLEXITY_ALPHA = 2.0 / (COMPLEXITY_WINDOW + 1);
    /**
     * Dialogs planned and not yet ended over this process's planner tasks: each task adds what its store
     * holds and takes it back when it closes, so a task moving to another instance is counted there.
     */
    private static final AtomicLong DRAFTS_IN_FLIGHT = Metrics.gauge("toolace.planner.inflight", new AtomicLong());
    static final List<String> USER_STYLES = List.of(
            "Write as a busy professional: short and direct.",
            "Write casually, like a chat with a friend.",
            "Write formally and politely, giving full context.",
            "Write tersely, with only the essentials.",
            "Write in detail, explaining why you need it.");

    /** Where recent samples sit against the complexity band, and what the user agent is told for it. */
    enum Feedback {
        /** The phrases the user agent reads as richer and less literal requests (see Persona). */
        HARDER(" Ask for more in each request, and be less literal: describe what you need, not the tool."),
        /** The phrase the user agent reads as simpler, direct requests. */
        EASIER(" Keep it simple: one clear, direct request at a time."),
        NONE("");

        final String instruction;

        Feedback(final String instruction) {
            this.instruction = instruction;
        }
    }

    private final PipelineConfig config;
    private final ApiCheck check = new VerifierApiCheck();
    private DialogMix mix;
    private double complexity = Double.NaN;
    private Feedback feedback = Feedback.NONE;
    private ProcessorContext<String, DialogDraft> context;
    private KeyValueStore<String, ApiDefinition> pool;
    private KeyValueStore<String, Long> counters;
    private int indexed;
    private final Map<String, List<String>> bySubdomain = new HashMap<>();
    /** Sub-domain keys per domain, so a dialog's domain is drawn uniformly over domains, not APIs. */
    private final Map<String, List<String>> subdomainsByDomain = new HashMap<>();
    private final List<String> domains = new ArrayList<>();
    private int partition;
    private long budget;
    private long limit;
    private long poolGrewAtMs;
    /** This task's share of {@link #DRAFTS_IN_FLIGHT}. */
    private long inFlight;

    Planner(final PipelineConfig config) {
        this.config = config;
    }

    @Override
    public void init(final ProcessorContext<String, DialogDraft> context) {
        this.context = context;
        this.pool = context.getStateStore(PlannerStage.POOL_STORE);
        this.counters = context.getStateStore(PlannerStage.COUNTERS_STORE);
        this.mix = new DialogMix(config.dialogMix(), counters);
        final Long complexityBits = counters.get(COMPLEXITY);
        if (complexityBits != null) {
            complexity = Double.longBitsToDouble(complexityBits);
            feedback = feedbackFor(complexity);
        }
        this.partition = context.taskId().partition();
        // The context's clock, not the system's: punctuations see it, and a test driver advances it.
        this.poolGrewAtMs = context.currentSystemTimeMs();
        final int partitions = config.partitions();
        this.budget = Math.max(1, (config.maxInFlightDialogs() + partitions - 1) / partitions);
        this.limit = config.planLimit() == 0 ? Long.MAX_VALUE
                : config.planLimit() / partitions + (partition < config.planLimit() % partitions ? 1 : 0);
        inFlight(count(PLANNED) - count(ENDED));
        try (KeyValueIterator<String, ApiDefinition> all = pool.all()) {
            while (all.hasNext()) {
                final KeyValue<String, ApiDefinition> entry = all.next();
                index(entry.value);
            }
        }
        context.schedule(Duration.ofMillis(20), PunctuationType.WALL_CLOCK_TIME, now -> plan(now));
    }

    @Override
    public void process(final Record<String, Object> record) {
        if (record.value() instanceof ApiDefinition) {
            final ApiDefinition api = (ApiDefinition) record.value();
            // The pool stage admits only APIs that pass; this one was written to the pool past it.
            check.problem(api).ifPresent(problem -> {
                throw new PoisonRecordException("pooled API '" + api.getId() + "' fails the pool's check: " + problem);
            });
            if (pool.get(api.getId()) == null) {
                pool.put(api.getId(), api);
                index(api);
                poolGrewAtMs = context.currentSystemTimeMs();
            }
        } else if (record.value() instanceof DialogOutcome) {
            final DialogOutcome outcome = (DialogOutcome) record.value();
            final String problem = problem(outcome);
            if (problem != null) {
                // Counted, it would free a slot of the in-flight budget that no planned dialog held.
                throw new PoisonRecordException(problem);
            }
            counters.put(ENDED, count(ENDED) + 1);
            inFlight(inFlight - 1);
            final boolean verified = outcome.getStatus() == OutcomeStatus.VERIFIED;
            mix.ended(outcome.getDialogType(), verified);
            if (verified && outcome.getComplexity() >= 0) {
                measured(outcome.getComplexity());
            }
        }
    }

    /** Why the outcome cannot be the end of a dialog this task planned, or null when it can. */
    private String problem(final DialogOutcome outcome) {
        final double complexity = outcome.getComplexity();
        if (complexity != -1 && !(complexity >= 0 && complexity <= 1)) {
            return "outcome of dialog '" + outcome.getDialogId() + "' has complexity " + complexity
                    + ", expected 0..1 or -1 (not measured)";
        }
        final String prefix = idPrefix(partition);
        final String id = outcome.getDialogId();
        long seq = -1;
        if (id.startsWith(prefix)) {
            try {
                seq = Long.parseLong(id.substring(prefix.length()));
            } catch (final NumberFormatException notASequence) {
                seq = -1;
            }
        }
        if (seq < 0 || seq >= count(PLANNED) || !dialogId(partition, seq).equals(id)) {
            return "outcome of dialog '" + id + "', which planner task " + partition + " has not planned ("
                    + count(PLANNED) + " planned, ids " + prefix + "0 on)";
        }
        return null;
    }

    private static String idPrefix(final int partition) {
        return "d" + partition + "-";
    }

    /** The id of the {@code seq}-th dialog a planner task plans. */
    private static String dialogId(final int partition, final long seq) {
        return idPrefix(partition) + seq;
    }

    private void measured(final double sample) {
        Metrics.summary("toolace.planner.complexity").record(sample);
        complexity = Double.isNaN(complexity) ? sample : complexity + COMPLEXITY_ALPHA * (sample - complexity);
        counters.put(COMPLEXITY, Double.doubleToLongBits(complexity));
        final Feedback now = feedbackFor(complexity);
        if (now != feedback) {
            LOG.info("planner task {}: recent verified samples average complexity {} against the band [{}, {}];"
                    + " next drafts: {}", partition, String.format(Locale.ROOT, "%.2f", complexity),
                    config.complexityLow(), config.complexityHigh(), now.name().toLowerCase(Locale.ROOT));
            feedback = now;
        }
    }

    private Feedback feedbackFor(final double average) {
        return average < config.complexityLow() ? Feedback.HARDER
                : average > config.complexityHigh() ? Feedback.EASIER : Feedback.NONE;
    }

    private void index(final ApiDefinition api) {
        indexed++;
        final String subdomain = api.getDomain() + "/" + api.getSubdomain();
        bySubdomain.computeIfAbsent(subdomain, k -> {
            subdomainsByDomain.computeIfAbsent(api.getDomain(), d -> {
                domains.add(d);
                return new ArrayList<>();
            }).add(k);
            return new ArrayList<>();
        }).add(api.getId());
    }

    private long count(final String key) {
        final Long value = counters.get(key);
        return value == null ? 0 : value;
    }

    private void plan(final long now) {
        if (indexed == 0 || indexed < MIN_POOL && now - poolGrewAtMs < POOL_SETTLE_MS) {
            return;
        }
        long planned = count(PLANNED);
        final long inFlight = planned - count(ENDED);
        final long room = Math.min(Math.min(budget - inFlight, limit - planned), MAX_PER_PUNCTUATION);
        for (long i = 0; i < room; i++) {
            final DialogDraft draft = compose(planned, mix.next(), now);
            context.forward(new Record<>(draft.getId(), draft, now));
            planned++;
        }
        if (room > 0) {
            counters.put(PLANNED, planned);
            inFlight(planned - count(ENDED));
            Metrics.counter("toolace.planner.planned").increment(room);
            Metrics.counter("toolace.planner.feedback", "direction", feedback.name().toLowerCase(Locale.ROOT))
                    .increment(room);
        }
    }

    private void inFlight(final long now) {
        DRAFTS_IN_FLIGHT.addAndGet(now - inFlight);
        inFlight = now;
    }

    @Override
    public void close() {
        inFlight(0);
    }

    private DialogDraft compose(final long seq, final DialogType type, final long now) {
        final String id = dialogId(partition, seq);
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(Long.toString(config.seed()), id));
        final List<ApiDefinition> tools = pickTools(type, rnd);
        long generation = 0;
        for (final ApiDefinition tool : tools) {
            generation = Math.max(generation, tool.getGeneration());
        }
        return DialogDraft.newBuilder()
                .setId(id)
                .setPlannerPartition(partition)
                .setSeq(seq)
                .setDialogType(type)
                .setTargetTurns(targetTurns(rnd))
                .setComplexity(rnd.nextDouble())
                .setTools(tools)
                .setSystem("")
                .setUserInstruction(USER_STYLES.get(rnd.nextInt(USER_STYLES.size())) + feedback.instruction)
                .setTurns(List.of())
                .setNext(Agent.USER)
                .setStep(0)
                .setFaults(List.of())
                .setLineage(Lineage.newBuilder()
                        .setPoolGeneration(generation)
                        .setPromptVersion(LlmRequests.PROMPT_VERSION)
                        .setAgents(Map.of())
                        .setSeedIds(List.of())
                        .setCreatedAtMs(now)
                        .build())
                .build();
    }

    /** Mostly one request, sometimes more: multi-turn dialogs are rarer and longer to make. */
    private int targetTurns(final SplittableRandom rnd) {
        int turns = 1;
        while (turns < config.maxTargetTurns() && rnd.nextDouble() < 0.35) {
            turns++;
        }
        return turns;
    }

    /**
     * An API drawn domain first, then sub-domain, then API: the evolution order makes some domains
     * far larger for a while, and a uniform draw over APIs would mirror that skew in the dataset.
     */
    private String balancedPick(final SplittableRandom rnd) {
        final List<String> subdomains = subdomainsByDomain.get(domains.get(rnd.nextInt(domains.size())));
        final List<String> apis = bySubdomain.get(subdomains.get(rnd.nextInt(subdomains.size())));
        return apis.get(rnd.nextInt(apis.size()));
    }

    /**
     * The APIs the dialog is about, then distractors up to a random tool count: from the upper half of
     * 1..{@code maxToolsPerDialog} when samples have been too easy, the lower half when too hard, the whole
     * range otherwise. Dependent and parallel dialogs take related APIs from one sub-domain, so one
     * call's result can feed another. Tool names
     * are distinct: the pool admits APIs by signature, so it may hold two of one name (two APIs made for
     * one functionality), and a tool list that declares a name twice fails {@code API_DUPLICATE_NAME}.
     */
    private List<ApiDefinition> pickTools(final DialogType type, final SplittableRandom rnd) {
        final Map<String, ApiDefinition> chosen = new LinkedHashMap<>();
        final ApiDefinition first = pool.get(balancedPick(rnd));
        chosen.put(first.getName(), first);
        if (type == DialogType.DEPENDENT || type == DialogType.PARALLEL) {
            final List<String> related = bySubdomain.getOrDefault(
                    first.getDomain() + "/" + first.getSubdomain(), List.of());
            for (int tries = 0; tries < 4 && chosen.size() < 2 && related.size() > 1; tries++) {
                final ApiDefinition api = pool.get(related.get(rnd.nextInt(related.size())));
                chosen.putIfAbsent(api.getName(), api);
            }
        }
        final int max = config.maxToolsPerDialog();
        final int half = (max + 1) / 2;
        final int drawn = feedback == Feedback.HARDER ? max - rnd.nextInt(half)
                : feedback == Feedback.EASIER ? 1 + rnd.nextInt(half) : 1 + rnd.nextInt(max);
        final int total = Math.max(chosen.size(), drawn);
        for (int tries = 0; chosen.size() < total && tries < 4 * total; tries++) {
            final ApiDefinition api = pool.get(balancedPick(rnd));
            chosen.putIfAbsent(api.getName(), api);
        }
        final List<ApiDefinition> tools = new ArrayList<>(chosen.values());
        Collections.shuffle(tools, new Random(rnd.nextLong()));
        return tools;
    }
}

package io.toolace.stream.dialog;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.TurnResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Procedural dialogs made the way the pipeline makes them, without Kafka: a {@link ProceduralPool},
 * drafts planned as the planner plans them, and each draft driven through the procedural backend by
 * the turn loop's protocol (request, reply, the turn stage's check of the reply,
 * {@link TurnReplyProcessor#apply}, until the next agent is DONE), then {@link Samples#fromDraft}.
 * Public for the benchmarks, which need realistic pipeline samples.
 */
public final class ProceduralDialogs {

    private static final int MAX_TARGET_TURNS = 3;
    private static final int MAX_TOOLS = 4;
    private static final int MAX_STEPS = PipelineConfig.builder(Path.of("unused")).build().maxSteps();
    private static final Map<DialogType, Double> MIX = PipelineConfig.defaultMix();

    static {
        TrustedClasses.trustNamedTypesOf(LlmReply.getClassSchema());
    }

    /**
     * A driven draft: the finished sample, or why the turn stage would have ended it without one (an
     * agent error, a turn from the wrong agent, the step limit).
     *
     * @param draft the draft as far as it got
     * @param sample the sample, or null
     * @param failure the turn stage's reason, or null
     */
    public record Driven(DialogDraft draft, Sample sample, String failure) {}

    private final ProceduralBackend backend;
    private final ProceduralPool.Pool pool;
    private final Planning planning;

    /** A backend with the fault rate and seed, and a pool of {@code poolSize} APIs made by it. */
    public ProceduralDialogs(final double faultRate, final long seed, final int poolSize) {
        this.backend = new ProceduralBackend(new ProceduralSettings(faultRate, seed, ProceduralSettings.PIPELINE_MIXED_SHARE));
        this.pool = ProceduralPool.build(backend, poolSize, seed);
        this.planning = new Planning(pool.apis(), seed);
    }

    /** {@code n} finished samples (drafts that end without one are skipped), planned from sequence 0 on. */
    public static List<Sample> samples(final int n, final double faultRate, final long seed) {
        final ProceduralDialogs dialogs = new ProceduralDialogs(faultRate, seed, 300);
        final List<Sample> samples = new ArrayList<>(n);
        for (int seq = 0; samples.size() < n && seq < 2 * n; seq++) {
            final Driven driven = dialogs.drive(dialogs.plan(seq));
            if (driven.sample() != null) {
                samples.add(driven.sample());
            }
        }
        return samples;
    }

    public ProceduralBackend backend() {
        return backend;
    }

    ProceduralPool.Pool pool() {
        return pool;
    }

    /** The draft the planner would plan as number {@code seq}; deterministic. */
    public DialogDraft plan(final int seq) {
        return planning.compose(seq);
    }

    /** Runs a draft through the turn loop to a sample. Thread-safe. */
    public Driven drive(final DialogDraft planned) {
        DialogDraft draft = planned;
        while (draft.getNext() != Agent.DONE) {
            if (draft.getStep() >= MAX_STEPS) {
                return new Driven(draft, null, "DIALOG_STEP_LIMIT after " + draft.getStep() + " steps");
            }
            final LlmRequest request = LlmRequests.of(DialogProtocol.taskFor(draft.getNext()), "dialog-replies",
                    draft.getId(), draft.getStep(), 0, "dialog", draft, 0L);
            final LlmReply reply = backend.answer(request).join();
            final String problem = problem(reply, draft);
            if (problem != null) {
                return new Driven(draft, null, problem);
            }
            draft = TurnReplyProcessor.apply(draft, reply, (TurnResult) reply.getResult());
        }
        return new Driven(draft, Samples.fromDraft(draft), null);
    }

    /** The turn stage's check of a reply before it applies it (as TurnReplyProcessor's private one). */
    private static String problem(final LlmReply reply, final DialogDraft draft) {
        if (reply.getError() != null) {
            return "LLM_ERROR " + reply.getError();
        }
        if (!(reply.getResult() instanceof TurnResult)) {
            return "AGENT_BAD_ANSWER not a turn";
        }
        final var role = ((TurnResult) reply.getResult()).getTurn().getRole();
        return role == DialogProtocol.roleOf(draft.getNext()) ? null : "AGENT_BAD_ANSWER " + role + " turn";
    }

    /**
     * The planner's choices (Planner.compose: the related APIs of one sub-domain for parallel and dependent
     * dialogs, distractors up to 1..4 tools of distinct names, the ToolACE system prompt), except that the
     * dialog type is drawn from the default mix (the planner has no outcomes here to steer by), there is no
     * complexity feedback, and the target turn count is uniform over 1..3 so multi-request dialogs are well
     * represented.
     */
    static final class Planning {
        private final List<ApiDefinition> apis;
        private final Map<String, List<ApiDefinition>> bySubdomain = new HashMap<>();
        private final DialogType[] types = MIX.keySet().stream().sorted().toArray(DialogType[]::new);
        private final double[] cumulative = new double[types.length];

        private final long seed;

        Planning(final List<ApiDefinition> apis, final long seed) {
            this.apis = apis;
            this.seed = seed;
            for (final ApiDefinition api : apis) {
                bySubdomain.computeIfAbsent(api.getDomain() + "/" + api.getSubdomain(), k -> new ArrayList<>()).add(api);
            }
            double total = 0;
            for (int i = 0; i < types.length; i++) {
                total += MIX.get(types[i]);
                cumulative[i] = total;
            }
            for (int i = 0; i < types.length; i++) {
                cumulative[i] /= total;
            }
        }

        DialogDraft compose(final int seq) {
            final String id = "d0-" + seq;
            final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(Long.toString(seed), id));
            final DialogType type = type(rnd.nextDouble());
            final List<ApiDefinition> tools = tools(type, rnd);
            return DialogDraft.newBuilder()
                    .setId(id)
                    .setPlannerPartition(0)
                    .setSeq(seq)
                    .setDialogType(type)
                    .setTargetTurns(1 + rnd.nextInt(MAX_TARGET_TURNS))
                    .setComplexity(rnd.nextDouble())
                    .setTools(tools)
                    .setSystem(ToolSamples.systemPrompt(tools))
                    .setUserInstruction(Planner.USER_STYLES.get(rnd.nextInt(Planner.USER_STYLES.size())))
                    .setTurns(List.of())
                    .setNext(Agent.USER)
                    .setStep(0)
                    .setFaults(List.of())
                    .setLineage(Lineage.newBuilder()
                            .setPoolGeneration(tools.stream().mapToLong(ApiDefinition::getGeneration).max().orElse(0))
                            .setPromptVersion(LlmRequests.PROMPT_VERSION)
                            .setAgents(Map.of())
                            .setSeedIds(List.of())
                            .setCreatedAtMs(0L)
                            .build())
                    .build();
        }

        private DialogType type(final double u) {
            for (int i = 0; i < types.length; i++) {
                if (u < cumulative[i]) {
                    return types[i];
                }
            }
            return types[types.length - 1];
        }

        private List<ApiDefinition> tools(final DialogType type, final SplittableRandom rnd) {
            final Map<String, ApiDefinition> chosen = new LinkedHashMap<>();
            final ApiDefinition first = apis.get(rnd.nextInt(apis.size()));
            chosen.put(first.getName(), first);
            if (type == DialogType.DEPENDENT || type == DialogType.PARALLEL) {
                final List<ApiDefinition> related = bySubdomain.get(first.getDomain() + "/" + first.getSubdomain());
                for (int tries = 0; tries < 4 && chosen.size() < 2 && related.size() > 1; tries++) {
                    final ApiDefinition api = related.get(rnd.nextInt(related.size()));
                    chosen.putIfAbsent(api.getName(), api);
                }
            }
            final int total = Math.max(chosen.size(), 1 + rnd.nextInt(MAX_TOOLS));
            for (int tries = 0; chosen.size() < total && tries < 4 * total; tries++) {
                final ApiDefinition api = apis.get(rnd.nextInt(apis.size()));
                chosen.putIfAbsent(api.getName(), api);
            }
            final List<ApiDefinition> tools = new ArrayList<>(chosen.values());
            Collections.shuffle(tools, new Random(rnd.nextLong()));
            return tools;
        }
    }
}

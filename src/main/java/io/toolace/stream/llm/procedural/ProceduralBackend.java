package io.toolace.stream.llm.procedural;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.llm.LlmBackend;
import io.toolace.stream.llm.procedural.sdg.DialogAgents;
import io.toolace.stream.llm.procedural.sdg.ProceduralJudges;
import io.toolace.stream.llm.procedural.tss.ApiForge;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ComplexityResult;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.LlmUsage;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded default backend: deterministic (seeded by the request id), no network, microseconds a
 * call. A built-in taxonomy and grammar play every agent and judge, and inject labelled faults at the
 * configured rate so each run measures the verifier.
 *
 * <p>It has no model whose token loss could measure a sample's complexity, so it answers
 * {@code SCORE_COMPLEXITY} with "not measured" and verification falls back to the proxy. A loss made
 * up from the proxy would only be the proxy again, labelled as a model's measure.
 */
public final class ProceduralBackend implements LlmBackend {

    private static final String MODEL = "procedural-v1";

    private final ProceduralSettings settings;
    private final Speciator speciator = new Speciator();
    private final ApiForge forge = new ApiForge();
    private final DialogAgents agents;
    private final ProceduralJudges judges = new ProceduralJudges();
    /**
     * Answers are computed here, not on the caller's thread: the gateway's one thread then only moves
     * records, and generation runs on the other cores as an LLM server would.
     */
    private final ExecutorService workers;

    public ProceduralBackend(final ProceduralSettings settings) {
        this.settings = settings;
        this.agents = new DialogAgents(settings);
        final AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
            final Thread thread = new Thread(task, "procedural-backend-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return "procedural";
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public String parameters() {
        return "seed=" + settings.seed() + ",faultRate=" + settings.faultRate();
    }

    /** Asking again costs nothing and gives the same answer: it is seeded by the request id. */
    @Override
    public boolean cachesAnswers() {
        return false;
    }

    @Override
    public CompletableFuture<LlmReply> answer(final LlmRequest request) {
        return CompletableFuture.supplyAsync(() -> reply(request), workers);
    }

    /** Microseconds of CPU, no I/O, seeded by the request id: a stage can ask on its own thread. */
    @Override
    public boolean answersInline() {
        return true;
    }

    @Override
    public LlmReply answerInline(final LlmRequest request) {
        return reply(request);
    }

    private LlmReply reply(final LlmRequest request) {
        final long started = System.nanoTime();
        final LlmReply.Builder reply = LlmReply.newBuilder().setRequest(request);
        try {
            reply.setResult(result(request));
        } catch (final RuntimeException e) {
            // A grammar that cannot answer this input is an answer too: the draft ends rejected with the reason.
            reply.setResult(null).setError("procedural " + request.getTask() + " failed: " + e);
        }
        reply.setUsage(LlmUsage.newBuilder()
                .setBackend(name())
                .setModel(MODEL)
                .setLatencyMs((System.nanoTime() - started) / 1_000_000)
                .build());
        return reply.build();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    private Object result(final LlmRequest request) {
        final SplittableRandom rnd = new SplittableRandom(
                ContentHash.seed(Long.toString(settings.seed()), request.getId()));
        switch (request.getTask()) {
            case EXTRACT_DOMAINS:
                return speciator.extract((SeedDocument) request.getPayload(), rnd);
            case GENERATE_API:
                return forge.generate((ApiGenerationInput) request.getPayload(), rnd);
            case USER_TURN:
                return agents.userTurn((DialogDraft) request.getPayload(), rnd);
            case ASSISTANT_TURN:
                return agents.assistantTurn((DialogDraft) request.getPayload(), rnd);
            case TOOL_RESPONSE:
                return agents.toolTurn((DialogDraft) request.getPayload(), rnd);
            case SCORE_COMPLEXITY:
                return new ComplexityResult(-1.0, false, MODEL);
            default:
                return judges.judge(request.getTask(), (Sample) request.getPayload());
        }
    }
}

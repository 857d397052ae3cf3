package io.toolace.stream.dialog;

import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.evolution.VerifierApiCheck;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.tss.ApiForge;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An API pool as TSS builds it, without Kafka: the built-in corpus speciated into a context tree,
 * adaptation requests (a functionality, up to two siblings and its ancestors, an example from the
 * buffer when there is one) and evolution requests (a pooled API as the example, at least one
 * diversity indicator), answered by the procedural backend and admitted through the pool's gate
 * ({@link VerifierApiCheck}, then new by id), the way the evolution and pool stages do it.
 */
final class ProceduralPool {

    private static final int MAX_GENERATION = 4;

    /** The pooled APIs in admission order, and what the gate turned away. */
    record Pool(List<ApiDefinition> apis, int requests, int errors, Map<String, Integer> gateRejections) {}

    private ProceduralPool() {}

    static Pool build(final ProceduralBackend backend, final int size, final long seed) {
        final Speciator speciator = new Speciator();
        final Map<String, ContextNode> byId = new HashMap<>();
        final Map<String, List<ContextNode>> functionalitiesByParent = new LinkedHashMap<>();
        final List<ContextNode> functionalities = new ArrayList<>();
        BuiltinSeeds.corpus().forEach(doc -> {
            for (final ContextNode node : speciator.speciate(doc).nodes()) {
                if (byId.putIfAbsent(node.getId(), node) == null && node.getLevel() == NodeLevel.FUNCTIONALITY) {
                    functionalities.add(node);
                    functionalitiesByParent.computeIfAbsent(node.getParentId(), k -> new ArrayList<>()).add(node);
                }
            }
        });
        final VerifierApiCheck gate = new VerifierApiCheck();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final Map<String, ApiDefinition> pool = new LinkedHashMap<>();
        final List<ApiDefinition> buffer = new ArrayList<>();
        final Map<String, Integer> rejections = new HashMap<>();
        int requests = 0;
        int errors = 0;
        while (pool.size() < size && requests < size * 4) {
            final ContextNode node = functionalities.get(rnd.nextInt(functionalities.size()));
            final boolean evolve = !buffer.isEmpty() && rnd.nextInt(3) == 0;
            final ApiDefinition example = buffer.isEmpty() || (!evolve && rnd.nextBoolean()) ? null
                    : buffer.get(rnd.nextInt(buffer.size()));
            final long generation = evolve ? Math.min(example.getGeneration() + 1, MAX_GENERATION) : 0;
            final ApiGenerationInput input = ApiGenerationInput.newBuilder()
                    .setSubtree(subtree(node, byId, functionalitiesByParent, rnd))
                    .setExample(example)
                    .setDiversity(DiversityIndicators.draw(rnd, evolve ? 1 : 0))
                    .setGeneration(generation)
                    .build();
            final LlmReply reply = backend.answer(LlmRequests.of(AgentTask.GENERATE_API, "evolution-replies",
                    "e-" + requests, 0, 0, "evolution", input, 0L)).join();
            requests++;
            if (reply.getError() != null || !(reply.getResult() instanceof ApiGenerationResult)) {
                errors++;
                continue;
            }
            for (final ApiDefinition api : ((ApiGenerationResult) reply.getResult()).getApis()) {
                final var problem = gate.problem(api);
                if (problem.isPresent()) {
                    rejections.merge(problem.get().substring(0, Math.max(0, problem.get().indexOf(':'))), 1,
                            Integer::sum);
                } else if (pool.putIfAbsent(api.getId(), api) == null) {
                    buffer.add(api);
                }
            }
        }
        return new Pool(List.copyOf(pool.values()), requests, errors, rejections);
    }

    /** The functionality, up to two siblings under the same sub-domain, and their ancestors (as the evolver draws it). */
    private static List<ContextNode> subtree(final ContextNode node, final Map<String, ContextNode> byId,
            final Map<String, List<ContextNode>> functionalitiesByParent, final SplittableRandom rnd) {
        final List<ContextNode> nodes = new ArrayList<>();
        for (ContextNode a = byId.get(node.getParentId()); a != null; a = a.getParentId() == null ? null
                : byId.get(a.getParentId())) {
            nodes.add(0, a);
        }
        nodes.add(node);
        final List<ContextNode> siblings = new ArrayList<>(functionalitiesByParent.getOrDefault(node.getParentId(),
                List.of()));
        siblings.remove(node);
        final int extra = siblings.isEmpty() ? 0 : rnd.nextInt(Math.min(2, siblings.size()) + 1);
        for (int i = 0; i < extra; i++) {
            nodes.add(siblings.remove(rnd.nextInt(siblings.size())));
        }
        return nodes;
    }
}

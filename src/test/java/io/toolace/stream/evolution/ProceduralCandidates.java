package io.toolace.stream.evolution;

import io.toolace.stream.llm.procedural.tss.ApiForge;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * API candidates as the evolution stage asks the procedural backend for them: the built-in corpus
 * speciated into a context tree; adaptation of a functionality with up to two siblings and an example
 * from the buffer; evolution of a pooled API on a random functionality under at least one indicator.
 */
final class ProceduralCandidates {

    private static final List<ContextNode> TREE = BuiltinSeeds.corpus().stream()
            .flatMap(doc -> new Speciator().speciate(doc).nodes().stream()).toList();

    private final ApiForge forge = new ApiForge();
    private final Map<String, ContextNode> byId = new HashMap<>();
    private final Map<String, List<ContextNode>> functionalitiesByParent = new HashMap<>();
    private final List<ContextNode> functionalities = new ArrayList<>();
    private final SplittableRandom rnd;

    ProceduralCandidates(final long seed) {
        rnd = new SplittableRandom(seed);
        for (final ContextNode node : TREE) {
            byId.put(node.getId(), node);
            if (node.getLevel() == NodeLevel.FUNCTIONALITY) {
                functionalities.add(node);
                functionalitiesByParent.computeIfAbsent(node.getParentId(), k -> new ArrayList<>()).add(node);
            }
        }
    }

    List<ContextNode> functionalities() {
        return functionalities;
    }

    /** A generation-0 API for a functionality, styled after {@code example} when there is one. */
    ApiDefinition adapt(final ContextNode functionality, final ApiDefinition example) {
        return generate(functionality, example, DiversityIndicators.draw(rnd, 0), 0);
    }

    /** An API evolved from a pooled one, on a random functionality. */
    ApiDefinition evolve(final ApiDefinition pooled) {
        final ContextNode functionality = functionalities.get(rnd.nextInt(functionalities.size()));
        return generate(functionality, pooled, DiversityIndicators.draw(rnd, 1), pooled.getGeneration() + 1);
    }

    private ApiDefinition generate(final ContextNode functionality, final ApiDefinition example,
            final List<String> indicators, final long generation) {
        final ApiGenerationInput input = ApiGenerationInput.newBuilder()
                .setSubtree(subtree(functionality))
                .setExample(example)
                .setDiversity(indicators)
                .setGeneration(generation)
                .build();
        return forge.generate(input, rnd).getApis().get(0);
    }

    /** Ancestors, the functionality and up to two of its siblings, as {@link Evolver} samples them. */
    private List<ContextNode> subtree(final ContextNode functionality) {
        final ContextNode subDomain = byId.get(functionality.getParentId());
        final List<ContextNode> subtree = new ArrayList<>(List.of(byId.get(subDomain.getParentId()), subDomain,
                functionality));
        final List<ContextNode> siblings = new ArrayList<>(functionalitiesByParent.get(subDomain.getId()));
        siblings.remove(functionality);
        final int extra = siblings.isEmpty() ? 0 : rnd.nextInt(Math.min(2, siblings.size()) + 1);
        for (int i = 0; i < extra; i++) {
            subtree.add(siblings.remove(rnd.nextInt(siblings.size())));
        }
        return subtree;
    }
}

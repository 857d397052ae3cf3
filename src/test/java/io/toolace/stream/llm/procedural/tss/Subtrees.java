package io.toolace.stream.llm.procedural.tss;

import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Samples evolution inputs the way the adaptation stage does: the built-in corpus speciated into
 * a context tree, a sub-domain picked at random, 1..3 sibling functionalities with their parents,
 * an example from the buffer half the time, and a random subset of indicators for evolved APIs.
 */
final class Subtrees {

    static final List<ContextNode> TREE = speciateCorpus();

    private final Map<String, ContextNode> byId = new HashMap<>();
    private final Map<String, List<ContextNode>> functionalitiesBySubDomain = new LinkedHashMap<>();
    private final List<String> subDomains;

    Subtrees() {
        for (final ContextNode node : TREE) {
            byId.put(node.getId(), node);
            if (node.getLevel() == NodeLevel.FUNCTIONALITY) {
                functionalitiesBySubDomain.computeIfAbsent(node.getParentId(), k -> new ArrayList<>()).add(node);
            }
        }
        subDomains = List.copyOf(functionalitiesBySubDomain.keySet());
    }

    private static List<ContextNode> speciateCorpus() {
        final Speciator speciator = new Speciator();
        return BuiltinSeeds.corpus().stream().flatMap(doc -> speciator.speciate(doc).nodes().stream()).toList();
    }

    /** Domain, sub-domain and {@code k} distinct sibling functionalities. */
    List<ContextNode> subtree(final SplittableRandom rnd, final int k) {
        final String subDomain = subDomains.get(rnd.nextInt(subDomains.size()));
        final List<ContextNode> siblings = new ArrayList<>(functionalitiesBySubDomain.get(subDomain));
        final List<ContextNode> subtree = new ArrayList<>();
        final ContextNode sub = byId.get(subDomain);
        subtree.add(byId.get(sub.getParentId()));
        subtree.add(sub);
        for (int i = 0; i < k && !siblings.isEmpty(); i++) {
            subtree.add(siblings.remove(rnd.nextInt(siblings.size())));
        }
        return subtree;
    }

    /** An input as the pipeline would draw it, with the example taken from {@code buffer}. */
    ApiGenerationInput input(final SplittableRandom rnd, final List<ApiDefinition> buffer) {
        final int k = rnd.nextInt(10) < 6 ? 1 : 2 + rnd.nextInt(2);
        final ApiDefinition example = !buffer.isEmpty() && rnd.nextBoolean() ? buffer.get(rnd.nextInt(buffer.size())) : null;
        final List<String> indicators = new ArrayList<>();
        if (example != null) {
            for (final String indicator : DiversityIndicators.ALL) {
                if (rnd.nextInt(3) == 0) {
                    indicators.add(indicator);
                }
            }
        }
        return ApiGenerationInput.newBuilder()
                .setSubtree(subtree(rnd, k))
                .setExample(example)
                .setDiversity(indicators)
                .setGeneration(example == null ? 0 : example.getGeneration() + 1)
                .build();
    }
}

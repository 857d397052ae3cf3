package io.toolace.stream.evolution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How often each functionality of the context tree has scoped a new API, and a draw that prefers the
 * rarely used ones (the paper's adaptation: "coverage of the tree is tracked"). The draw is the best
 * of a few uniform picks, so a rare node wins most draws it enters without a sorted index to keep up.
 */
final class TreeCoverage {

    /** Uniform picks per draw; more skews harder toward the least used. */
    static final int CHOICES = 4;

    private final List<String> functionalities = new ArrayList<>();
    private final Map<String, Integer> uses = new HashMap<>();

    /** Adds a functionality with its use count so far (0 when new). */
    void add(final String functionalityId, final int usedSoFar) {
        if (uses.putIfAbsent(functionalityId, usedSoFar) == null) {
            functionalities.add(functionalityId);
        }
    }

    boolean isEmpty() {
        return functionalities.isEmpty();
    }

    int size() {
        return functionalities.size();
    }

    /** The least used of {@link #CHOICES} uniform picks; ties go to the first picked. */
    String pickRarelyUsed(final SplittableRandom rnd) {
        String best = null;
        int bestUses = Integer.MAX_VALUE;
        for (int i = 0; i < CHOICES; i++) {
            final String candidate = functionalities.get(rnd.nextInt(functionalities.size()));
            final int candidateUses = uses.get(candidate);
            if (candidateUses < bestUses) {
                best = candidate;
                bestUses = candidateUses;
            }
        }
        return best;
    }

    /** Counts one more API scoped by the functionality; returns its new count. */
    int use(final String functionalityId) {
        return uses.merge(functionalityId, 1, Integer::sum);
    }

    int uses(final String functionalityId) {
        return uses.getOrDefault(functionalityId, 0);
    }
}

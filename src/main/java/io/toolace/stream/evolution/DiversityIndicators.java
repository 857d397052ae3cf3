package io.toolace.stream.evolution;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The paper's diversity indicators, as stored in {@code ApiDefinition.diversity}, and how evolution draws them. */
public final class DiversityIndicators {

    /** Every indicator, in the order they are applied. */
    public static final List<String> ALL = List.of(
            "ADD_FUNCTIONALITY", "ADD_PARAMETERS", "ADD_CONSTRAINTS", "MUTATE_TYPES", "UPDATE_RESULTS");

    private DiversityIndicators() {}

    /**
     * The requested indicators in canonical order (the order they are applied), each once.
     *
     * @throws IllegalArgumentException naming an id that is no indicator
     */
    public static List<String> canonical(final List<String> requested) {
        for (final String indicator : requested) {
            if (!ALL.contains(indicator)) {
                throw new IllegalArgumentException("unknown diversity indicator '" + indicator + "'; known: " + ALL);
            }
        }
        return ALL.stream().filter(requested::contains).toList();
    }

    /** At least {@code min} indicators, each further one with even odds. */
    public static List<String> draw(final SplittableRandom rnd, final int min) {
        final List<String> chosen = new ArrayList<>();
        for (final String indicator : ALL) {
            if (rnd.nextBoolean()) {
                chosen.add(indicator);
            }
        }
        while (chosen.size() < min) {
            chosen.add(ALL.get(rnd.nextInt(ALL.size())));
        }
        return chosen;
    }
}

package io.toolace.stream.llm.routing;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Smooth weighted round-robin (nginx's) over replicas: over any run of picks each replica gets its
 * share of the weights, and the picks of a heavy replica are spread between those of the light ones
 * rather than bunched. A replica that is not available (its circuit is open) is skipped and its
 * share goes to the others; when none is available, all are picked from, so the call fails fast with
 * the endpoint's own reason instead of a routing error. Thread-safe.
 *
 * @param <T> what is picked
 */
final class WeightedPicker<T> {

    /** One replica: a name for messages, a positive weight, and whether it takes calls now. */
    record Replica<T>(String name, int weight, T target, BooleanSupplier available) {

        Replica {
            if (weight <= 0) {
                throw new IllegalArgumentException("replica " + name + ": weight must be positive, got " + weight);
            }
        }
    }

    private final List<Replica<T>> replicas;
    private final long[] current;

    WeightedPicker(final List<Replica<T>> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one replica");
        }
        this.replicas = List.copyOf(replicas);
        this.current = new long[replicas.size()];
    }

    List<Replica<T>> replicas() {
        return replicas;
    }

    synchronized T pick() {
        return pick(null).target();
    }

    /**
     * Another replica than {@code tried}, by the same weights, for a call {@code tried} could not answer;
     * null when there is no other, or none of the others is available.
     */
    synchronized Replica<T> pickOther(final Replica<T> tried) {
        return replicas.stream().anyMatch(r -> r != tried && r.available().getAsBoolean()) ? pick(tried) : null;
    }

    /** The next replica, by weight, among those available other than {@code excluded}. */
    synchronized Replica<T> pick(final Replica<T> excluded) {
        final boolean[] up = new boolean[replicas.size()];
        boolean any = false;
        for (int i = 0; i < up.length; i++) {
            up[i] = replicas.get(i) != excluded && replicas.get(i).available().getAsBoolean();
            any |= up[i];
        }
        long total = 0;
        int best = -1;
        for (int i = 0; i < up.length; i++) {
            if (any && !up[i] || replicas.get(i) == excluded) {
                continue;
            }
            current[i] += replicas.get(i).weight();
            total += replicas.get(i).weight();
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return replicas.get(best);
    }
}

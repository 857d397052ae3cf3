package io.toolace.stream.dialog;

import io.toolace.stream.records.DialogType;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Picks the next dialog's type so that the verified samples, not the planned ones, come out in the
 * configured mix: the rule and model layers reject some types far more often than others, and a draw
 * from the mix would leave those types short by their rejection rate.
 *
 * <p>Each type's expected yield is its verified count plus its dialogs in flight, each weighted by the
 * type's pass rate so far (in-flight dialogs of a type that is often rejected will mostly not arrive).
 * The next type is the one whose expected yield is furthest below its share of the total; ties go to
 * the first in enum order, so a plan is reproducible from the counts alone. The counts live in the
 * planner task's counters store, so a restarted task keeps steering where it left off.
 */
final class DialogMix {

    private static final DialogType[] TYPES = DialogType.values();

    private final double[] target = new double[TYPES.length];
    private final long[] planned = new long[TYPES.length];
    private final long[] ended = new long[TYPES.length];
    private final long[] verified = new long[TYPES.length];
    private final KeyValueStore<String, Long> counters;

    DialogMix(final Map<DialogType, Double> mix, final KeyValueStore<String, Long> counters) {
        this.counters = counters;
        final double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
        mix.forEach((type, weight) -> target[type.ordinal()] = weight / total);
        for (final DialogType type : TYPES) {
            planned[type.ordinal()] = load("planned." + type);
            ended[type.ordinal()] = load("ended." + type);
            verified[type.ordinal()] = load("verified." + type);
        }
    }

    private long load(final String key) {
        final Long value = counters.get(key);
        return value == null ? 0 : value;
    }

    /** The type to plan next; counts it as planned. */
    DialogType next() {
        final double[] expected = new double[TYPES.length];
        double total = 0;
        for (int i = 0; i < TYPES.length; i++) {
            final long inFlight = Math.max(0, planned[i] - ended[i]);
            // Starts at 1 and tends to the observed rate; a type never ended is assumed to pass.
            final double passRate = (verified[i] + 1.0) / (ended[i] + 1.0);
            expected[i] = verified[i] + inFlight * passRate;
            total += expected[i];
        }
        int best = -1;
        double bestDeficit = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < TYPES.length; i++) {
            final double deficit = target[i] * (total + 1) - expected[i];
            if (target[i] > 0 && deficit > bestDeficit) {
                best = i;
                bestDeficit = deficit;
            }
        }
        counters.put("planned." + TYPES[best], ++planned[best]);
        return TYPES[best];
    }

    void ended(final DialogType type, final boolean wasVerified) {
        final int i = type.ordinal();
        counters.put("ended." + type, ++ended[i]);
        if (wasVerified) {
            counters.put("verified." + type, ++verified[i]);
        }
    }
}

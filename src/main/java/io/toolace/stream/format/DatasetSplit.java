package io.toolace.stream.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A seeded train/test (or any named) split. A sample's part is a function of the seed and its key alone,
 * a hash of both placed on the parts' cumulative shares, so it is the same on every rerun, whatever order
 * the topic's partitions are read in and whatever else the export holds; a sample added later does not move
 * the others.
 */
public final class DatasetSplit {

    /** 2^60: {@link ContentHash#seed} gives 60 bits. */
    private static final double SPAN = 0x1p60;

    private final long seed;
    private final List<String> names = new ArrayList<>();
    private final double[] bounds;

    private DatasetSplit(final Map<String, Double> shares, final long seed) {
        this.seed = seed;
        final double total = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        this.bounds = new double[shares.size()];
        double cumulative = 0;
        int i = 0;
        for (final Map.Entry<String, Double> share : shares.entrySet()) {
            names.add(share.getKey());
            cumulative += share.getValue() / total;
            bounds[i++] = cumulative;
        }
        bounds[bounds.length - 1] = 1.0;
    }

    /**
     * From {@code name=share,...}, e.g. {@code train=0.9,test=0.1}; the shares are normalised to their sum.
     *
     * @throws IllegalArgumentException for a malformed spec, a repeated name or a share that is not positive
     */
    public static DatasetSplit parse(final String spec, final long seed) {
        final Map<String, Double> shares = new LinkedHashMap<>();
        for (final String part : spec.split(",", -1)) {
            final String[] pair = part.split("=", -1);
            final String name = pair.length == 2 ? pair[0].strip() : "";
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a split is name=share,... with names of letters, digits, '_' and"
                        + " '-' (train=0.9,test=0.1), not '" + spec + "'");
            }
            final double share;
            try {
                share = Double.parseDouble(pair[1].strip());
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("the share of " + name + " is no number: '" + pair[1] + "'");
            }
            if (!(share > 0) || Double.isInfinite(share)) {
                throw new IllegalArgumentException("the share of " + name + " must be positive, not " + pair[1].strip());
            }
            if (shares.put(name, share) != null) {
                throw new IllegalArgumentException("split part " + name + " is named twice");
            }
        }
        return new DatasetSplit(shares, seed);
    }

    /** The parts in the order given. */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** The part of the sample with this key. */
    public String assign(final String key) {
        final double position = ContentHash.seed(Long.toString(seed), key) / SPAN;
        for (int i = 0; i < bounds.length; i++) {
            if (position < bounds[i]) {
                return names.get(i);
            }
        }
        return names.get(names.size() - 1);
    }
}

package io.toolace.stream.llm.procedural;

/**
 * Knobs of the embedded backend.
 *
 * @param faultRate probability that a dialog carries one labelled fault, so every run measures the
 *     verifier's recall and precision
 * @param seed mixed into every request hash, so two runs with different seeds differ
 * @param mixedShare probability that a later request of a multi-turn dialog is of another type than the
 *     dialog's (its first request always is of the dialog's type; a no-tool dialog stays without tools)
 */
public record ProceduralSettings(double faultRate, long seed, double mixedShare) {

    /** The pipeline's share of mixed requests in multi-turn dialogs. */
    public static final double PIPELINE_MIXED_SHARE = 0.3;
    public static final ProceduralSettings DEFAULTS = new ProceduralSettings(0.1, 42L, PIPELINE_MIXED_SHARE);

    public ProceduralSettings {
        if (faultRate < 0 || faultRate > 1) {
            throw new IllegalArgumentException("faultRate must be within [0, 1], got " + faultRate);
        }
        if (mixedShare < 0 || mixedShare > 1) {
            throw new IllegalArgumentException("mixedShare must be within [0, 1], got " + mixedShare);
        }
    }

    /** Every request of a dialog of the dialog's type, as the agent tests script them. */
    public ProceduralSettings(final double faultRate, final long seed) {
        this(faultRate, seed, 0);
    }
}

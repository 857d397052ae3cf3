package io.toolace.stream.llm.procedural;

/**
 * Knobs of the embedded backend.
 *
 * @param faultRate probability that a dialog carries one labelled fault, so every run measures the
 *     verifier's recall and precision
 * @param seed mixed into every request hash, so two runs with different seeds differ
 */
public record ProceduralSettings(double faultRate, long seed) {

    public static final ProceduralSettings DEFAULTS = new ProceduralSettings(0.1, 42L);

    public ProceduralSettings {
        if (faultRate < 0 || faultRate > 1) {
            throw new IllegalArgumentException("faultRate must be within [0, 1], got " + faultRate);
        }
    }
}

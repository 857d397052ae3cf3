package io.toolace.stream.verify;

import java.util.Objects;

/**
 * One failed check on a sample.
 *
 * @param rule the rule id, see {@link Rule}
 * @param layer {@code rule} or {@code model}
 * @param turn the 0-based index of the offending turn in the sample's messages (system prompt
 *     excluded), or -1 when the failure concerns the sample as a whole (e.g. its tools)
 * @param message what is wrong, for people
 */
public record Failure(String rule, String layer, int turn, String message) {

    public Failure {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(message, "message");
    }

    public static Failure of(final Rule rule, final int turn, final String message) {
        return new Failure(rule.id(), rule.layer().id(), turn, message);
    }
}

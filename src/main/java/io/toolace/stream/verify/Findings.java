package io.toolace.stream.verify;

import java.util.ArrayList;
import java.util.List;

/** Collects the failures of one sample, dropping those of disabled rules. */
final class Findings {

    private final RuleConfig config;
    private final List<Failure> failures = new ArrayList<>(4);

    Findings(final RuleConfig config) {
        this.config = config;
    }

    /** Whether a rule is checked; callers skip the work of a disabled rule altogether. */
    boolean on(final Rule rule) {
        return config.enabled(rule);
    }

    void add(final Rule rule, final int turn, final String message) {
        if (config.enabled(rule)) {
            failures.add(Failure.of(rule, turn, message));
        }
    }

    List<Failure> failures() {
        return failures;
    }
}

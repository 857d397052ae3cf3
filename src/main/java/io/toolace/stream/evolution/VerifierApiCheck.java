package io.toolace.stream.evolution;

import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.verify.ApiRules;
import io.toolace.stream.verify.Failure;
import java.util.List;
import java.util.Optional;

/** The pool's gate: the verifier's API-definition rules, so every pooled API passes them. */
public final class VerifierApiCheck implements ApiCheck {

    @Override
    public Optional<String> problem(final ApiDefinition api) {
        final List<Failure> failures = ApiRules.check(ToolSamples.toolSpec(api));
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        final Failure first = failures.get(0);
        return Optional.of(first.rule() + ": " + first.message());
    }
}

package io.toolace.stream.evolution;

import io.toolace.stream.records.ApiDefinition;
import java.util.Optional;

/** The API-definition rules as the pool stage sees them: the first broken rule and why, or empty. */
@FunctionalInterface
public interface ApiCheck {
    Optional<String> problem(ApiDefinition api);
}

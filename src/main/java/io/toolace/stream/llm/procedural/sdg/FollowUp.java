package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.llm.procedural.sdg.PlannedCall.Source;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Multi-turn follow-ups: a later request takes one of its values from the previous request's tool
 * result ("book the flight from that search"). The user names the value by reference instead of
 * stating it; the assistant reads it from the result, where the hallucination judge finds it too.
 * User and assistant both derive it from the same earlier turns, so they agree.
 */
final class FollowUp {

    private FollowUp() {}

    /**
     * The plan with the first user-stated parameter of its first call (in declaration order, never
     * the one a clarification asks for) replaced by a same-named value of the previous request's
     * results that the parameter accepts; the plan unchanged when no such value exists.
     *
     * @param earlier the turns of the previous request
     */
    static RequestPlan apply(final RequestPlan plan, final List<Turn> earlier) {
        final PlannedCall call = plan.calls().get(0);
        for (final Map.Entry<String, Source> e : call.sources().entrySet()) {
            final String parameter = e.getKey();
            if (e.getValue() != Source.USER || parameter.equals(plan.clarifyParameter())) {
                continue;
            }
            final Optional<JsonNode> value = find(earlier, parameter, call.api().schemaOf(parameter));
            if (value.isPresent()) {
                return plan.withCall(0, call.withArgument(parameter, value.get(), Source.EARLIER));
            }
        }
        return plan;
    }

    /** The most recent result value named like the parameter that the parameter's schema accepts. */
    private static Optional<JsonNode> find(final List<Turn> earlier, final String parameter, final JsonNode schema) {
        for (int t = earlier.size() - 1; t >= 0; t--) {
            if (earlier.get(t).getRole() != Role.TOOL) {
                continue;
            }
            for (final ToolResult result : earlier.get(t).getResults()) {
                final Optional<JsonNode> parsed = Json.tryParseShared(result.getResults());
                if (parsed.isEmpty()) {
                    continue;
                }
                for (final Json.Leaf leaf : Json.leaves(parsed.get())) {
                    final JsonNode v = leaf.value();
                    if (leaf.key().equalsIgnoreCase(parameter) && (v.isTextual() || v.isNumber())
                            && SchemaCheck.conforms(schema, v)) {
                        return Optional.of(v);
                    }
                }
            }
        }
        return Optional.empty();
    }
}

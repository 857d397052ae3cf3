package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * How a dependent dialog's second call depends on the first: the value at {@code path} in the first
 * call's result becomes the argument {@code parameter} of the second.
 *
 * @param path property names from the result's root; {@link #FIRST} steps into an array's first item
 */
record Link(List<String> path, String parameter) {

    static final String FIRST = "[]";

    /** The value the path leads to in an actual result, if the result has it. */
    Optional<JsonNode> resolve(final JsonNode result) {
        JsonNode node = result;
        for (final String step : path) {
            node = FIRST.equals(step) ? node.path(0) : node.path(step);
        }
        return node.isMissingNode() || node.isNull() || node.isContainerNode() ? Optional.empty() : Optional.of(node);
    }

    /** The path as written in thinking: {@code flights[0].flight_id}. */
    String describe() {
        final StringBuilder s = new StringBuilder();
        for (final String step : path) {
            if (FIRST.equals(step)) {
                s.append("[0]");
            } else {
                s.append(s.length() == 0 ? "" : ".").append(step);
            }
        }
        return s.toString();
    }

    /** The result field's own name, the last property on the path. */
    String field() {
        for (int i = path.size() - 1; i >= 0; i--) {
            if (!FIRST.equals(path.get(i))) {
                return path.get(i);
            }
        }
        return "result";
    }
}

package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a tool returned for one call.
 *
 * @param name the function the result belongs to; {@code null} when the format does not name it
 *     (a plain LLaMA-Factory observation), so no name check is possible
 * @param results the returned value, JSON-typed (text results are a text node)
 */
public record ToolResult(String name, JsonNode results) {

    public ToolResult {
        Objects.requireNonNull(results, "results");
    }
}

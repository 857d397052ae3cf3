package io.toolace.stream.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One function call made by the assistant.
 *
 * @param name the called function; {@code null} when the source format left it out
 * @param arguments argument name to value, JSON-typed
 */
public record FunctionCall(String name, ObjectNode arguments) {

    public FunctionCall {
        Objects.requireNonNull(arguments, "arguments");
    }
}

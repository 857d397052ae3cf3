package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A call the assistant will make, as planned before the dialog reaches it.
 *
 * @param arguments the values in parameter order; a {@link Source#LINKED} parameter is absent, its
 *     value is read from the previous call's actual result when the call is made
 * @param sources where each parameter's value comes from, for every parameter of the API in
 *     declaration order; it drives what the user mentions and the formalized thinking
 */
record PlannedCall(ApiSpec api, ObjectNode arguments, Map<String, Source> sources) {

    /** Where an argument value comes from. */
    enum Source {
        /** The user states it. */
        USER,
        /** The API's declared default, filled in by the assistant. */
        DEFAULT,
        /** Taken from the previous call's result (dependent dialogs). */
        LINKED,
        /** Taken from a result of the previous request: the user refers back to it ("the flight from before"). */
        EARLIER,
        /** An optional parameter left out. */
        SKIPPED
    }

    /** The same call with one argument replaced, its source unchanged. */
    PlannedCall withArgument(final String parameter, final JsonNode value) {
        return withArgument(parameter, value, sources.get(parameter));
    }

    /** The same call with one argument replaced and its source changed. */
    PlannedCall withArgument(final String parameter, final JsonNode value, final Source source) {
        final ObjectNode copy = arguments.deepCopy();
        copy.set(parameter, value);
        final Map<String, Source> newSources = new LinkedHashMap<>(sources);
        newSources.put(parameter, source);
        return new PlannedCall(api, copy, newSources);
    }
}

package io.toolace.stream.evolution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.format.Json;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.verify.ApiRules;
import io.toolace.stream.verify.Failure;
import io.toolace.stream.verify.Rule;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pool's gate: the verifier's API-definition rules, so every pooled API passes them, and two bounds
 * of the pipeline's own. The verifier takes a schema it cannot parse for no schema (a dataset may leave
 * one out); a pooled API must have one that parses.
 */
public final class VerifierApiCheck implements ApiCheck {

    /** The rule id of an API whose definition is too large for the dialogs made from it. */
    public static final String TOO_LARGE = "API_TOO_LARGE";
    /**
     * Characters of name, description and both schemas together. A draft carries each of its tools twice
     * (the tool list and the system prompt), a request carries the draft and a reply the request, all in
     * records Kafka caps at 1 MB by default; and a tool of 8k tokens has no place in a prompt anyway.
     */
    static final int MAX_DEFINITION_CHARS = 32 * 1024;
    /**
     * JSON levels of a schema: 64 levels of nested objects and lists, twice what the OpenAPI import keeps,
     * and far within what every recursive walk of a schema (agents, verifier, signature) takes.
     */
    static final int MAX_SCHEMA_DEPTH = 128;

    @Override
    public Optional<String> problem(final ApiDefinition api) {
        final long chars = (long) api.getName().length() + api.getDescription().length()
                + api.getParameters().length() + api.getResponse().length();
        if (chars > MAX_DEFINITION_CHARS) {
            return Optional.of(TOO_LARGE + ": the definition has " + chars + " characters, more than "
                    + MAX_DEFINITION_CHARS);
        }
        final String parameters = schemaProblem("parameters", api.getParameters());
        final String schemas = parameters != null ? parameters : schemaProblem("response", api.getResponse());
        if (schemas != null) {
            return Optional.of(Rule.API_SCHEMA_INVALID.id() + ": " + schemas);
        }
        final List<Failure> failures = ApiRules.check(ToolSamples.toolSpec(api));
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        final Failure first = failures.get(0);
        return Optional.of(first.rule() + ": " + first.message());
    }

    private static String schemaProblem(final String which, final String text) {
        final JsonNode schema;
        try {
            schema = Json.parse(text);
        } catch (final JsonProcessingException e) {
            return "the " + which + " schema is not JSON: " + e.getOriginalMessage();
        }
        final int depth = depth(schema);
        return depth > MAX_SCHEMA_DEPTH
                ? "the " + which + " schema nests " + depth + " levels deep, more than " + MAX_SCHEMA_DEPTH
                : null;
    }

    /** Levels of nested objects and arrays, walked without recursion. */
    private static int depth(final JsonNode root) {
        int deepest = 0;
        final Deque<Map.Entry<JsonNode, Integer>> open = new ArrayDeque<>();
        open.push(Map.entry(root, 1));
        while (!open.isEmpty()) {
            final Map.Entry<JsonNode, Integer> next = open.pop();
            deepest = Math.max(deepest, next.getValue());
            for (final JsonNode child : next.getKey()) {
                if (child.isContainerNode()) {
                    open.push(Map.entry(child, next.getValue() + 1));
                }
            }
        }
        return deepest;
    }
}

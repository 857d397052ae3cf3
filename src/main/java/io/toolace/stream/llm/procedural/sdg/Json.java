package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.toolace.stream.format.BoundedCache;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON plumbing shared by the agents and judges: one mapper, tolerant parsing, leaf walks. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Holds the results and calls of the dialogs between their turns and their judging: some tens of MB. */
    private static final BoundedCache<String, Optional<JsonNode>> SHARED = new BoundedCache<>(4_096);

    /** A scalar inside a JSON value and the path to it ({@code passengers[0].name}); {@code key} is the last property name. */
    record Leaf(String path, String key, JsonNode value) {}

    private Json() {}

    /** Parses JSON text, failing with an error that says what the text was meant to be. */
    static JsonNode parse(final String what, final String text) {
        try {
            return MAPPER.readTree(text);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses JSON text that may come from another backend; empty when it is not JSON. */
    static Optional<JsonNode> tryParse(final String text) {
        try {
            final JsonNode node = MAPPER.readTree(text);
            return node == null || node instanceof MissingNode ? Optional.empty() : Optional.of(node);
        } catch (final JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * As {@link #tryParse}, from a memo; the tree is shared, so the caller must not modify it. A tool's result is
     * read by the assistant who sums it up, by a follow-up request and by three judges, and each parsed it again:
     * 6% of a run's CPU.
     */
    static Optional<JsonNode> tryParseShared(final String text) {
        return SHARED.get(text, Json::tryParse);
    }

    static String write(final JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    /** Every scalar (string, number, boolean, null) in document order. */
    static List<Leaf> leaves(final JsonNode root) {
        final List<Leaf> out = new ArrayList<>();
        collect(root, "", "", out);
        return out;
    }

    private static void collect(final JsonNode node, final String path, final String key, final List<Leaf> out) {
        if (node.isObject()) {
            for (final Map.Entry<String, JsonNode> f : node.properties()) {
                collect(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", key, out);
            }
        } else {
            out.add(new Leaf(path, key, node));
        }
    }

    /** How a scalar reads in prose: strings as they are, numbers without exponent or trailing zeros. */
    static String prose(final JsonNode scalar) {
        if (scalar.isNumber()) {
            return plain(scalar.decimalValue());
        }
        return scalar.asText();
    }

    static String plain(final BigDecimal number) {
        final BigDecimal stripped = number.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}

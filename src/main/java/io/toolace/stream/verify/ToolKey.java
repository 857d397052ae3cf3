package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.format.ToolSpec;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * What defines a compiled tool: its name, description, parameter and response schemas. Schemas compare
 * as trees with their keys in order, unlike {@link JsonNode#equals}, because the compiled schema keeps
 * the declared order and the failure messages follow it. Comparing trees costs a walk without
 * allocation, against the maps and keyword objects a compilation builds; the same node instance (a
 * tool read once and reused, as the pipeline does) compares at once.
 *
 * <p>The walks recurse, so a schema nested deeper than {@link #MAX_DEPTH} (past what
 * {@link ParamSchema} checks anyway) gets no key and is compiled once per spec instance, never found by
 * content: a hostile schema must not overflow a stream thread's stack.
 */
final class ToolKey {

    static final int MAX_DEPTH = 128;

    private final ToolSpec tool;
    private final int hash;
    private boolean tooDeep;

    private ToolKey(final ToolSpec tool) {
        this.tool = tool;
        this.hash = ((Objects.hashCode(tool.name()) * 31 + Objects.hashCode(tool.description())) * 31
                + hash(tool.parameters(), 0)) * 31 + hash(tool.response(), 0);
    }

    /** The key of a tool, or null when its schemas nest too deep to be walked safely. */
    static ToolKey of(final ToolSpec tool) {
        final ToolKey key = new ToolKey(tool);
        return key.tooDeep ? null : key;
    }

    ToolSpec tool() {
        return tool;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ToolKey other) || other.hash != hash) {
            return false;
        }
        return Objects.equals(tool.name(), other.tool.name()) && Objects.equals(tool.description(), other.tool.description())
                && same(tool.parameters(), other.tool.parameters()) && same(tool.response(), other.tool.response());
    }

    private int hash(final JsonNode node, final int depth) {
        if (node == null || tooDeep) {
            return 0;
        }
        if (depth > MAX_DEPTH) {
            tooDeep = true;
            return 0;
        }
        if (node.isObject()) {
            int h = 1;
            for (final Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                final Map.Entry<String, JsonNode> field = fields.next();
                h = (h * 31 + field.getKey().hashCode()) * 31 + hash(field.getValue(), depth + 1);
            }
            return h;
        }
        if (node.isArray()) {
            int h = 2;
            for (final JsonNode item : node) {
                h = h * 31 + hash(item, depth + 1);
            }
            return h;
        }
        return node.hashCode();
    }

    private static boolean same(final JsonNode a, final JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
            return false;
        }
        if (a.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> left = a.fields();
            final Iterator<Map.Entry<String, JsonNode>> right = b.fields();
            while (left.hasNext()) {
                final Map.Entry<String, JsonNode> l = left.next();
                final Map.Entry<String, JsonNode> r = right.next();
                if (!l.getKey().equals(r.getKey()) || !same(l.getValue(), r.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        // Value nodes: equal in type and value (an int 1 is not a double 1.0, as the schema rules may tell them apart).
        return a.equals(b);
    }
}

package io.toolace.stream.evolution;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Schemas of an OpenAPI 3.x or Swagger 2.0 document as self-contained JSON Schema that the
 * verifier's API rules accept: local {@code $ref}s inlined, OpenAPI-only keywords dropped, and
 * what the rules would reject repaired or left out (each with a warning):
 *
 * <ul>
 *   <li>{@code $ref}s to {@code #/components/...} or {@code #/definitions/...} are inlined up to
 *       {@link #MAX_REF_DEPTH} references deep and {@link #NODE_BUDGET} schema nodes per walk
 *       (past half of it, only two references deep); a
 *       reference back into itself (a tree of categories) or past the limits becomes a stub
 *       {@code {"type": "object", "description": "Category (recursive, not expanded)"}}. External
 *       references are not followed.
 *   <li>{@code allOf} of object schemas is merged into one object schema.
 *   <li>In requests, {@code readOnly} properties are left out; in responses, {@code writeOnly} ones.
 *   <li>Swagger's {@code type: file} becomes a binary string; unknown types, enum values of another
 *       type, patterns Java cannot compile and {@code required} names without a property are dropped.
 *   <li>Descriptions are shortened to their first paragraph.
 * </ul>
 */
final class OpenApiSchemas {

    /** References inlined within one another before a stub stands in. */
    static final int MAX_REF_DEPTH = 6;
    /**
     * Schema nodes one walk (the parameters, or the response, of one operation) may produce: a tool
     * definition is read by a model in every prompt, and real specs (payment, cloud) reference
     * widely enough to inline to megabytes.
     */
    static final int NODE_BUDGET = 250;
    /** Below this share of the budget, references are inlined only near the top. */
    private static final int LOW_BUDGET = NODE_BUDGET / 2;
    private static final int REF_DEPTH_ON_LOW_BUDGET = 2;
    /** Nesting of inline schemas, references aside. */
    private static final int MAX_NESTING = 32;
    private static final int MAX_DESCRIPTION = 300;
    private static final int MAX_REF_HOPS = 16;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> JSON_TYPES = Set.of("string", "number", "integer", "boolean", "array", "object", "null");
    private static final List<String> NUMBER_KEYWORDS = List.of("minimum", "maximum", "multipleOf");
    private static final List<String> COUNT_KEYWORDS = List.of("minLength", "maxLength", "minItems", "maxItems");

    /** Which side of a call a schema describes. */
    enum Direction { REQUEST, RESPONSE }

    private final JsonNode root;
    private final List<String> warnings;
    private final Set<String> warned = new HashSet<>();
    private final Map<String, JsonNode> targets = new HashMap<>();

    OpenApiSchemas(final JsonNode root, final List<String> warnings) {
        this.root = root;
        this.warnings = warnings;
    }

    /**
     * Follows the {@code $ref} chain of a non-schema object (a parameter, request body, response or
     * path item); {@code null} when it leads outside the document or nowhere.
     */
    JsonNode deref(final JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current != null && current.path("$ref").isTextual(); hops++) {
            if (hops == MAX_REF_HOPS) {
                warn("$ref chain longer than " + MAX_REF_HOPS + " at '" + current.get("$ref").textValue() + "'");
                return null;
            }
            current = target(current.get("$ref").textValue());
        }
        return current;
    }

    /** The schema as self-contained JSON Schema; never {@code null}, {@code {}} when nothing usable is left. */
    ObjectNode convert(final JsonNode schema, final Direction direction) {
        return new Walk(direction).convert(schema, 0);
    }

    /** The first paragraph of a description, plain and at most {@code max} characters, cut after a sentence where one fits. */
    static String shorten(final String text, final int max) {
        if (text == null) {
            return "";
        }
        String paragraph = text.strip().split("\\n\\s*\\n", 2)[0];
        paragraph = paragraph.replaceAll("<[^>]{1,40}>", " ");
        paragraph = SeedFiles.plain(paragraph);
        if (paragraph.length() <= max) {
            return paragraph;
        }
        final String head = paragraph.substring(0, max);
        final int sentence = Math.max(head.lastIndexOf(". "), Math.max(head.lastIndexOf("! "), head.lastIndexOf("? ")));
        if (sentence >= max / 3) {
            return head.substring(0, sentence + 1);
        }
        final int space = head.lastIndexOf(' ');
        return (space > max / 3 ? head.substring(0, space) : head).strip() + "...";
    }

    private JsonNode target(final String ref) {
        // Specs reference a few schemas many times; a miss is cached as a missing node.
        final JsonNode cached = targets.computeIfAbsent(ref, this::lookUp);
        return cached.isMissingNode() ? null : cached;
    }

    private JsonNode lookUp(final String ref) {
        final JsonNode found = find(ref);
        return found == null ? MissingNode.getInstance() : found;
    }

    private JsonNode find(final String ref) {
        if (!ref.startsWith("#")) {
            warn("external $ref '" + ref + "' is not followed");
            return null;
        }
        final String fragment;
        try {
            fragment = URLDecoder.decode(ref.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException e) {
            warn("$ref '" + ref + "' is not a valid URI fragment");
            return null;
        }
        if (!fragment.isEmpty() && !fragment.startsWith("/")) {
            warn("$ref '" + ref + "' is not a JSON pointer");
            return null;
        }
        final JsonNode found = root.at(JsonPointer.compile(fragment));
        if (found.isMissingNode()) {
            warn("$ref '" + ref + "' points to nothing in the document");
            return null;
        }
        return found;
    }

    private void warn(final String warning) {
        if (warned.add(warning)) {
            warnings.add(warning);
        }
    }

    /** One conversion, with its own reference stack and node budget. */
    private final class Walk {
        private final Direction direction;
        private final Deque<String> refs = new ArrayDeque<>();
        private int budget = NODE_BUDGET;

        Walk(final Direction direction) {
            this.direction = direction;
        }

        ObjectNode convert(final JsonNode schema, final int nesting) {
            if (schema == null || schema.isNull() || schema.isMissingNode() || schema.isBoolean()) {
                return NODES.objectNode();
            }
            if (!schema.isObject()) {
                warn("a schema is " + schema.getNodeType().toString().toLowerCase(Locale.ROOT) + ", expected an object");
                return NODES.objectNode();
            }
            if (schema.path("$ref").isTextual()) {
                return reference(schema, nesting);
            }
            if (nesting > MAX_NESTING || budget <= 0) {
                return stub(schema, "", "not expanded");
            }
            budget--;
            final ObjectNode out = NODES.objectNode();
            final Set<String> types = types(schema, out);
            if (schema.path("description").isTextual() && !schema.get("description").textValue().isBlank()) {
                out.put("description", shorten(schema.get("description").textValue(), MAX_DESCRIPTION));
            }
            copyIf(schema, out, "format", JsonNode::isTextual);
            copyIf(schema, out, "default", node -> !node.isNull());
            copyIf(schema, out, "const", node -> true);
            copyIf(schema, out, "uniqueItems", JsonNode::isBoolean);
            final boolean nullable = schema.path("nullable").asBoolean(false);
            if (nullable) {
                out.put("nullable", true);
            }
            enumValues(schema, out, types, nullable);
            pattern(schema, out);
            bounds(schema, out);
            items(schema, out, nesting);
            properties(schema, out, nesting);
            additionalProperties(schema, out, nesting);
            for (final String keyword : List.of("anyOf", "oneOf")) {
                final ArrayNode alternatives = alternatives(schema.get(keyword), nesting);
                if (alternatives != null) {
                    out.set(keyword, alternatives);
                }
            }
            allOf(schema, out, nesting);
            return out;
        }

        private ObjectNode reference(final JsonNode schema, final int nesting) {
            final String ref = schema.get("$ref").textValue();
            final String name = ref.substring(ref.lastIndexOf('/') + 1);
            final JsonNode target = target(ref);
            if (target == null) {
                return NODES.objectNode();
            }
            if (refs.contains(ref)) {
                return stub(target, name, "recursive, not expanded");
            }
            // Past half the budget only shallow references expand, so later properties are not all stubs.
            if (refs.size() >= MAX_REF_DEPTH || budget <= 0 || (budget < LOW_BUDGET && refs.size() >= REF_DEPTH_ON_LOW_BUDGET)) {
                return stub(target, name, "not expanded");
            }
            refs.push(ref);
            final ObjectNode out = convert(target, nesting);
            refs.pop();
            // OpenAPI 3.1 lets a reference carry its own description, which then wins.
            if (schema.path("description").isTextual() && !schema.get("description").textValue().isBlank()) {
                out.put("description", shorten(schema.get("description").textValue(), MAX_DESCRIPTION));
            }
            return out;
        }

        /** Stands in for a schema not expanded: its type, and a description that says so. */
        private ObjectNode stub(final JsonNode target, final String name, final String why) {
            final ObjectNode out = NODES.objectNode();
            final String type = target.path("type").asText("");
            out.put("type", JSON_TYPES.contains(type) && !"null".equals(type) ? type : "object");
            out.put("description", (name.isEmpty() ? "" : name + " ") + "(" + why + ")");
            return out;
        }

        /** Copies the usable type names to {@code out} (inferring object or array when absent) and returns them. */
        private Set<String> types(final JsonNode schema, final ObjectNode out) {
            final JsonNode type = schema.get("type");
            final Set<String> types = new LinkedHashSet<>();
            boolean file = false;
            final List<JsonNode> names = new ArrayList<>();
            if (type != null && type.isArray()) {
                type.forEach(names::add);
            } else if (type != null && !type.isNull()) {
                names.add(type);
            }
            for (final JsonNode name : names) {
                final String text = name.asText("");
                if ("file".equals(text)) {
                    // Swagger 2 uploads: a file is sent as its bytes.
                    types.add("string");
                    file = true;
                } else if (JSON_TYPES.contains(text)) {
                    types.add(text);
                } else {
                    warn("unknown type " + name + " left out");
                }
            }
            if (types.isEmpty() && !schema.has("anyOf") && !schema.has("oneOf") && !schema.has("allOf")) {
                if (schema.path("properties").isObject() || schema.path("additionalProperties").isObject()) {
                    types.add("object");
                } else if (schema.has("items")) {
                    types.add("array");
                }
            }
            if (types.size() == 1) {
                out.put("type", types.iterator().next());
            } else if (types.size() > 1) {
                final ArrayNode list = out.putArray("type");
                types.forEach(list::add);
            }
            if (file) {
                out.put("format", "binary");
            }
            return types;
        }

        private void enumValues(final JsonNode schema, final ObjectNode out, final Set<String> types, final boolean nullable) {
            final JsonNode values = schema.get("enum");
            if (values == null || !values.isArray() || values.isEmpty()) {
                return;
            }
            final ArrayNode kept = NODES.arrayNode();
            for (final JsonNode value : values) {
                if (types.isEmpty() || ofType(value, types) || (value.isNull() && nullable)) {
                    kept.add(value);
                }
            }
            if (kept.size() < values.size()) {
                warn("enum values not of the declared type " + types + " left out: " + values);
            }
            if (!kept.isEmpty()) {
                out.set("enum", kept);
            }
        }

        private void pattern(final JsonNode schema, final ObjectNode out) {
            final JsonNode pattern = schema.get("pattern");
            if (pattern == null || !pattern.isTextual()) {
                return;
            }
            try {
                Pattern.compile(pattern.textValue());
                out.put("pattern", pattern.textValue());
            } catch (final PatternSyntaxException e) {
                warn("pattern '" + pattern.textValue() + "' left out: not a valid regular expression here");
            }
        }

        private void bounds(final JsonNode schema, final ObjectNode out) {
            for (final String keyword : NUMBER_KEYWORDS) {
                copyIf(schema, out, keyword, JsonNode::isNumber);
            }
            for (final String keyword : List.of("exclusiveMinimum", "exclusiveMaximum")) {
                copyIf(schema, out, keyword, node -> node.isNumber() || node.isBoolean());
            }
            for (final String keyword : COUNT_KEYWORDS) {
                copyIf(schema, out, keyword, node -> node.canConvertToInt() && node.isIntegralNumber() && node.intValue() >= 0);
            }
            dropIfCrossed(out, "minimum", "maximum");
            dropIfCrossed(out, "minLength", "maxLength");
            dropIfCrossed(out, "minItems", "maxItems");
        }

        private void dropIfCrossed(final ObjectNode out, final String min, final String max) {
            if (out.has(min) && out.has(max) && out.get(min).doubleValue() > out.get(max).doubleValue()) {
                warn(min + " " + out.get(min) + " above " + max + " " + out.get(max) + ": both left out");
                out.remove(min);
                out.remove(max);
            }
        }

        private void items(final JsonNode schema, final ObjectNode out, final int nesting) {
            final JsonNode items = schema.get("items");
            if (items == null || items.isNull() || items.isBoolean()) {
                return;
            }
            if (items.isArray()) {
                final ArrayNode tuple = out.putArray("items");
                items.forEach(item -> tuple.add(convert(item, nesting + 1)));
            } else {
                out.set("items", convert(items, nesting + 1));
            }
        }

        private void properties(final JsonNode schema, final ObjectNode out, final int nesting) {
            final JsonNode properties = schema.get("properties");
            if (properties == null || !properties.isObject()) {
                return;
            }
            final ObjectNode kept = NODES.objectNode();
            final Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                if (!hiddenInThisDirection(field.getValue())) {
                    kept.set(field.getKey(), convert(field.getValue(), nesting + 1));
                }
            }
            out.set("properties", kept);
            final JsonNode required = schema.get("required");
            if (required != null && required.isArray()) {
                final ArrayNode names = NODES.arrayNode();
                for (final JsonNode name : required) {
                    if (name.isTextual() && kept.has(name.textValue())) {
                        names.add(name);
                    }
                }
                if (!names.isEmpty()) {
                    out.set("required", names);
                }
            }
        }

        /** A read-only property is not sent in a request, a write-only one not returned. */
        private boolean hiddenInThisDirection(final JsonNode property) {
            final JsonNode resolved = deref(property);
            final String flag = direction == Direction.REQUEST ? "readOnly" : "writeOnly";
            return property.path(flag).asBoolean(false) || (resolved != null && resolved.path(flag).asBoolean(false));
        }

        private void additionalProperties(final JsonNode schema, final ObjectNode out, final int nesting) {
            final JsonNode additional = schema.get("additionalProperties");
            if (additional == null || additional.isNull()) {
                return;
            }
            if (additional.isBoolean()) {
                out.set("additionalProperties", additional);
            } else if (additional.isObject()) {
                out.set("additionalProperties", convert(additional, nesting + 1));
            }
        }

        private ArrayNode alternatives(final JsonNode list, final int nesting) {
            if (list == null || !list.isArray() || list.isEmpty()) {
                return null;
            }
            final ArrayNode out = NODES.arrayNode();
            list.forEach(alternative -> out.add(convert(alternative, nesting + 1)));
            return out;
        }

        /** Merges {@code allOf} object parts into {@code out}; keeps the list when a part is not an object. */
        private void allOf(final JsonNode schema, final ObjectNode out, final int nesting) {
            final ArrayNode parts = alternatives(schema.get("allOf"), nesting);
            if (parts == null) {
                return;
            }
            boolean objects = true;
            for (final JsonNode part : parts) {
                final String type = part.path("type").asText("object");
                objects &= "object".equals(type) && !part.has("anyOf") && !part.has("oneOf") && !part.has("allOf");
            }
            if (!objects || (out.has("type") && !"object".equals(out.path("type").asText()))) {
                out.set("allOf", parts);
                return;
            }
            final ObjectNode properties = NODES.objectNode();
            final Set<String> required = new LinkedHashSet<>();
            for (final JsonNode part : parts) {
                if (part.path("properties").isObject()) {
                    properties.setAll((ObjectNode) part.get("properties"));
                }
                part.path("required").forEach(name -> required.add(name.textValue()));
                if (!out.has("description") && part.path("description").isTextual()) {
                    out.put("description", part.get("description").textValue());
                }
                if (!out.has("additionalProperties") && part.has("additionalProperties")) {
                    out.set("additionalProperties", part.get("additionalProperties"));
                }
            }
            if (out.path("properties").isObject()) {
                properties.setAll((ObjectNode) out.get("properties"));
            }
            out.path("required").forEach(name -> required.add(name.textValue()));
            out.put("type", "object");
            out.set("properties", properties);
            final ArrayNode requiredList = NODES.arrayNode();
            required.stream().filter(properties::has).forEach(requiredList::add);
            out.remove("required");
            if (!requiredList.isEmpty()) {
                out.set("required", requiredList);
            }
        }
    }

    private static void copyIf(final JsonNode from, final ObjectNode to, final String keyword,
            final Predicate<JsonNode> usable) {
        final JsonNode value = from.get(keyword);
        if (value != null && usable.test(value)) {
            to.set(keyword, value.deepCopy());
        }
    }

    private static boolean ofType(final JsonNode value, final Set<String> types) {
        for (final String type : types) {
            final boolean matches = switch (type) {
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                case "array" -> value.isArray();
                case "object" -> value.isObject();
                case "null" -> value.isNull();
                default -> false;
            };
            if (matches) {
                return true;
            }
        }
        return false;
    }
}

package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.evolution.ApiSignature;
import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * GENERATE_API (adaptation and evolution): the prompt that asks for one new API from a context
 * subtree, an example from the buffer and diversity indicators, and the parser that fills the
 * {@link ApiDefinition} as the procedural forge does: id = signature hash, parameters as compact
 * JSON, functionalities = the subtree's functionality ids, domain and sub-domain from the subtree,
 * generation, indicators, example id and lineage from the input.
 *
 * <p>Schemas are not checked here beyond "parameters is an object": the pool stage runs the
 * verifier's API rules on every candidate and rejects a bad one with its rule and reason.
 */
public final class EvolutionPrompt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDICATOR = "indicator:";

    private final PromptTemplate template;

    public EvolutionPrompt(final String promptVersion) {
        this.template = PromptTemplate.load(promptVersion, "generate_api")
                .requireSections(INDICATOR, DiversityIndicators.ALL);
    }

    /**
     * @throws IllegalArgumentException when the subtree has no functionality or an indicator is
     *     unknown: the request is wrong, asking a model would not help
     */
    public List<ChatMessage> messages(final ApiGenerationInput input) {
        final Context context = Context.of(input);
        final Map<String, String> values = new HashMap<>();
        values.put("domain", context.domain.isEmpty() ? "(unnamed)" : context.domain);
        values.put("domain_description", context.domainDescription);
        values.put("subdomain", context.subDomain.isEmpty() ? "(unnamed)" : context.subDomain);
        values.put("subdomain_description", context.subDomainDescription);
        final StringBuilder functionalities = new StringBuilder();
        for (final ContextNode node : context.functionalities) {
            functionalities.append(functionalities.length() == 0 ? "" : "\n").append("- ").append(node.getName());
            if (node.getDescription() != null && !node.getDescription().isBlank()) {
                functionalities.append(": ").append(node.getDescription().strip());
            }
        }
        values.put("functionalities", functionalities.toString());
        values.put("example", example(input.getExample()));
        final List<String> indicators = DiversityIndicators.canonical(input.getDiversity());
        final List<String> explained = new ArrayList<>();
        for (final String indicator : indicators) {
            explained.add(template.render(INDICATOR + indicator, Map.of()));
        }
        values.put("indicators", explained.isEmpty() ? template.render("no-indicators", Map.of())
                : String.join("\n", explained));
        return template.messages(values);
    }

    /**
     * The API of the answer.
     *
     * @throws AnswerRejected when a field is missing or of the wrong type, or the name is the
     *     example's
     */
    public ApiGenerationResult parse(final ObjectNode answer, final ApiGenerationInput input) throws AnswerRejected {
        final Context context = Context.of(input);
        final String name = JsonAnswers.text(answer, "", "name", true);
        if (name.isEmpty()) {
            throw new AnswerRejected("field 'name' is empty");
        }
        final ApiDefinition example = input.getExample();
        if (example != null && normalised(name).equals(normalised(example.getName()))) {
            throw new AnswerRejected("name '" + name + "' repeats the example's name '" + example.getName() + "'");
        }
        final String description = JsonAnswers.text(answer, "", "description", true);
        final String parameters = compact(JsonAnswers.object(answer, "", "parameters", true));
        final ObjectNode response = JsonAnswers.object(answer, "", "response", false);
        final ApiDefinition api = ApiDefinition.newBuilder()
                .setId(ApiSignature.hash(name, parameters))
                .setName(name)
                .setDescription(description)
                .setDomain(context.domain)
                .setSubdomain(context.subDomain)
                .setFunctionalities(context.functionalities.stream().map(ContextNode::getId).toList())
                .setParameters(parameters)
                .setResponse(response == null ? "{}" : compact(response))
                .setOrigin(ApiOrigin.SYNTHESIZED)
                .setGeneration(input.getGeneration())
                .setDiversity(DiversityIndicators.canonical(input.getDiversity()))
                .setExampleId(example == null ? null : example.getId())
                .setLineage(Lineage.newBuilder()
                        .setPoolGeneration(input.getGeneration())
                        .setSeedIds(input.getSubtree().stream().map(ContextNode::getSeedId)
                                .filter(s -> s != null && !s.isEmpty()).distinct().toList())
                        .build())
                .build();
        return new ApiGenerationResult(List.of(api));
    }

    private String example(final ApiDefinition example) {
        if (example == null) {
            return template.render("no-example", Map.of());
        }
        final ObjectNode shown = JSON.createObjectNode()
                .put("name", example.getName())
                .put("description", example.getDescription());
        shown.set("parameters", tree(example.getParameters()));
        shown.set("response", tree(example.getResponse()));
        try {
            return template.render("example", Map.of(
                    "example_name", example.getName(),
                    "example_json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(shown)));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("an example built from Jackson nodes always serialises", e);
        }
    }

    /** A schema from the pool as a tree; an unreadable one is shown as its text rather than dropped. */
    private static JsonNode tree(final String schema) {
        try {
            return schema == null || schema.isBlank() ? JSON.createObjectNode() : JSON.readTree(schema);
        } catch (final JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(schema);
        }
    }

    private static String compact(final ObjectNode schema) {
        try {
            return JSON.writeValueAsString(schema);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    private static String normalised(final String name) {
        return name.replaceAll("[^\\p{L}\\p{N}]", "").toLowerCase(Locale.ROOT);
    }

    /** What the subtree says: its functionalities, and the names of the domain and sub-domain above them. */
    private record Context(List<ContextNode> functionalities, String domain, String domainDescription,
            String subDomain, String subDomainDescription) {

        static Context of(final ApiGenerationInput input) {
            final List<ContextNode> subtree = input.getSubtree();
            final Set<String> seen = new LinkedHashSet<>();
            final List<ContextNode> functionalities = new ArrayList<>();
            for (final ContextNode node : subtree) {
                if (node.getLevel() == NodeLevel.FUNCTIONALITY && seen.add(node.getId())) {
                    functionalities.add(node);
                }
            }
            if (functionalities.isEmpty()) {
                throw new IllegalArgumentException("subtree has no FUNCTIONALITY node to adapt (" + subtree.size()
                        + " nodes: " + subtree.stream().map(ContextNode::getId).toList() + ")");
            }
            final ContextNode first = functionalities.get(0);
            final ContextNode domain = ancestor(subtree, NodeLevel.DOMAIN, first);
            final ContextNode subDomain = ancestor(subtree, NodeLevel.SUBDOMAIN, first);
            return new Context(functionalities,
                    domain != null ? domain.getName() : pathName(first, 0),
                    domain != null ? description(domain) : "",
                    subDomain != null ? subDomain.getName() : pathName(first, 1),
                    subDomain != null ? description(subDomain) : "");
        }

        private static ContextNode ancestor(final List<ContextNode> subtree, final NodeLevel level,
                final ContextNode functionality) {
            for (final ContextNode node : subtree) {
                if (node.getLevel() == level && functionality.getId().startsWith(node.getId() + "/")) {
                    return node;
                }
            }
            return null;
        }

        /** The path entry at {@code index} when the path reaches below it, as the forge falls back. */
        private static String pathName(final ContextNode functionality, final int index) {
            final List<String> path = functionality.getPath();
            return path.size() > index + 1 ? path.get(index) : "";
        }

        private static String description(final ContextNode node) {
            return node.getDescription() == null ? "" : node.getDescription().strip();
        }
    }
}

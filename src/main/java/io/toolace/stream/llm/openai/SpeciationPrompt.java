package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SpeciationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EXTRACT_DOMAINS (speciation): the prompt that asks for a document's API context tree, and the
 * parser that turns the answer into context nodes exactly as the procedural speciator builds them:
 * ids from {@link ContextPaths}, the domain first, each sub-domain followed by its
 * functionalities, the document id as seed id. Names that normalise alike are one node (the first
 * wins); nameless entries and sub-domains without functionalities are left out.
 */
public final class SpeciationPrompt {

    /**
     * Document text sent at most, about 6,000 tokens: an OpenAPI spec or a whole manual can exceed
     * a small model's context, and the domains and functionalities show in the first part.
     */
    static final int MAX_DOCUMENT_CHARS = 24_000;

    private final PromptTemplate template;

    public SpeciationPrompt(final String promptVersion) {
        this.template = PromptTemplate.load(promptVersion, "extract_domains");
    }

    public List<ChatMessage> messages(final SeedDocument doc) {
        final String text = doc.getText() == null ? "" : doc.getText();
        if (text.isBlank()) {
            throw new IllegalArgumentException("document " + doc.getId() + " has no text");
        }
        return template.messages(Map.of(
                "title", doc.getTitle(),
                "kind", doc.getKind().name(),
                "document", text.length() <= MAX_DOCUMENT_CHARS
                        ? text : text.substring(0, MAX_DOCUMENT_CHARS) + "\n[... document truncated]"));
    }

    /**
     * The context nodes of the answer.
     *
     * @throws AnswerRejected when a field is missing or of the wrong type, or the answer names no
     *     functionality
     */
    public SpeciationResult parse(final ObjectNode answer, final SeedDocument doc) throws AnswerRejected {
        final String domain = JsonAnswers.text(answer, "", "domain", true);
        if (ContextPaths.segment(domain).isEmpty()) {
            throw new AnswerRejected("field 'domain' has no letter or digit: '" + domain + "'");
        }
        final Map<String, List<ContextNode>> subDomains = new LinkedHashMap<>();
        final ArrayNode subs = JsonAnswers.array(answer, "", "subdomains", true);
        for (int s = 0; s < subs.size(); s++) {
            final String subPath = "subdomains[" + s + "]";
            final ObjectNode sub = JsonAnswers.element(subs, "subdomains", s);
            final String subName = JsonAnswers.text(sub, subPath, "name", true);
            final String subDescription = JsonAnswers.text(sub, subPath, "description", false);
            final ArrayNode functionalities = JsonAnswers.array(sub, subPath, "functionalities", true);
            if (ContextPaths.segment(subName).isEmpty()) {
                continue;
            }
            final List<ContextNode> nodes = subDomains.computeIfAbsent(ContextPaths.id(List.of(domain, subName)), id -> new ArrayList<>(List.of(
                    ContextPaths.node(List.of(domain, subName), subDescription, doc.getId()))));
            final String parentName = nodes.get(0).getName();
            for (int f = 0; f < functionalities.size(); f++) {
                final String fPath = subPath + ".functionalities[" + f + "]";
                final ObjectNode functionality = JsonAnswers.element(functionalities, subPath + ".functionalities", f);
                final String name = JsonAnswers.text(functionality, fPath, "name", true);
                final String description = JsonAnswers.text(functionality, fPath, "description", false);
                if (ContextPaths.segment(name).isEmpty()) {
                    continue;
                }
                final ContextNode node = ContextPaths.node(List.of(domain, parentName, name), description, doc.getId());
                if (nodes.stream().noneMatch(n -> n.getId().equals(node.getId()))) {
                    nodes.add(node);
                }
            }
        }
        final List<ContextNode> result = new ArrayList<>();
        result.add(ContextPaths.node(List.of(domain), JsonAnswers.text(answer, "", "description", false), doc.getId()));
        subDomains.values().stream().filter(nodes -> nodes.size() > 1).forEach(result::addAll);
        if (result.size() == 1) {
            throw new AnswerRejected("answer names no functionality (domain '" + domain + "', " + subs.size()
                    + " sub-domains)");
        }
        return new SpeciationResult(result);
    }
}

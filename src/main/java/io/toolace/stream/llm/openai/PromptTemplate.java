package io.toolace.stream.llm.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template: a Markdown resource cut into named sections by marker lines such as
 * {@code <!-- system -->} and {@code <!-- user -->}; text before the first marker is a note for
 * whoever edits the file and is never sent. Sections hold {@code {{placeholder}}}s, replaced in a
 * single pass, so a value that itself contains {@code {{...}}} (a document quoting a template
 * language) is sent as written.
 */
public final class PromptTemplate {

    public static final String SYSTEM = "system";
    public static final String USER = "user";

    private static final Pattern SECTION = Pattern.compile("(?m)^<!--\\s*([\\w:-]+)\\s*-->[ \\t]*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private final String resource;
    private final Map<String, String> sections;

    private PromptTemplate(final String resource, final Map<String, String> sections) {
        this.resource = resource;
        this.sections = sections;
    }

    /**
     * Reads {@code prompts/<version>/<name>.md} from the classpath.
     *
     * @throws IllegalStateException when the resource is missing or lacks a system or user section:
     *     the jar is broken, and the backend must not start
     */
    public static PromptTemplate load(final String version, final String name) {
        final String resource = "prompts/" + version + "/" + name + ".md";
        final String text;
        try (InputStream in = PromptTemplate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing prompt template " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read prompt template " + resource, e);
        }
        final Map<String, String> sections = new LinkedHashMap<>();
        final Matcher marker = SECTION.matcher(text);
        String current = null;
        int bodyStart = 0;
        while (marker.find()) {
            if (current != null) {
                put(sections, resource, current, text.substring(bodyStart, marker.start()));
            }
            current = marker.group(1);
            bodyStart = marker.end();
        }
        if (current != null) {
            put(sections, resource, current, text.substring(bodyStart));
        }
        final PromptTemplate template = new PromptTemplate(resource, Map.copyOf(sections));
        template.section(SYSTEM);
        template.section(USER);
        return template;
    }

    private static void put(final Map<String, String> sections, final String resource, final String name,
            final String body) {
        if (sections.put(name, body.strip()) != null) {
            throw new IllegalStateException("prompt template " + resource + " has two '" + name + "' sections");
        }
    }

    /** The system and user messages, placeholders filled from {@code values}. */
    public List<ChatMessage> messages(final Map<String, String> values) {
        return List.of(ChatMessage.system(render(SYSTEM, values)), ChatMessage.user(render(USER, values)));
    }

    /**
     * One section with its placeholders filled.
     *
     * @throws IllegalArgumentException when a placeholder has no value: a bug in the caller
     */
    public String render(final String section, final Map<String, String> values) {
        final String body = section(section);
        final Matcher placeholder = PLACEHOLDER.matcher(body);
        final StringBuilder out = new StringBuilder(body.length() + 256);
        final TreeSet<String> missing = new TreeSet<>();
        while (placeholder.find()) {
            final String value = values.get(placeholder.group(1));
            if (value == null) {
                missing.add(placeholder.group(1));
                continue;
            }
            placeholder.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("prompt template " + resource + " section '" + section
                    + "' needs values for " + missing);
        }
        placeholder.appendTail(out);
        return out.toString();
    }

    /**
     * Checks that the template has a section {@code prefix + key} for every key, so a template that
     * forgot to explain, say, a dialog type fails when the backend starts, not on the first such
     * request.
     *
     * @throws IllegalStateException naming the first missing section
     */
    public PromptTemplate requireSections(final String prefix, final Iterable<String> keys) {
        for (final String key : keys) {
            section(prefix + key);
        }
        return this;
    }

    /** Whether the template has a section of that name. */
    public boolean has(final String section) {
        return sections.containsKey(section);
    }

    private String section(final String name) {
        final String body = sections.get(name);
        if (body == null) {
            throw new IllegalStateException("prompt template " + resource + " has no '" + name + "' section");
        }
        return body;
    }
}

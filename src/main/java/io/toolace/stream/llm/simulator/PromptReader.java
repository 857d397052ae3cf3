package io.toolace.stream.llm.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.llm.openai.PromptTemplate;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a chat request of the openai backend back into what its template was filled with. Each
 * template section is turned into a pattern, literal text quoted and every {@code {{placeholder}}} a
 * lazy group, so the simulator reads exactly the prompts the backend writes, and a template edit
 * changes the reader with it. The task is the one whose system message the request carries. The
 * values are then parsed here too: tool lines, numbered turns, calls, the document, the subtree.
 */
final class PromptReader {

    /** A tool as the prompt shows it; {@code response} is empty when the prompt leaves it out. */
    record Tool(String name, String description, ObjectNode parameters, JsonNode response) {}

    record Call(String name, ObjectNode arguments) {}

    record Result(String name, JsonNode value) {}

    /** A numbered transcript line: text for spoken turns, calls for an assistant's calls, results for the tool. */
    record Turn(Role role, String text, List<Call> calls, List<Result> results) {}

    /** A recognised request: its task and the template's placeholder values. */
    record Prompt(AgentTask task, Map<String, String> values) {

        String value(final String name) {
            return values.getOrDefault(name, "");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<AgentTask, String> TEMPLATES = Map.of(
            AgentTask.EXTRACT_DOMAINS, "extract_domains",
            AgentTask.GENERATE_API, "generate_api",
            AgentTask.USER_TURN, "user_turn",
            AgentTask.ASSISTANT_TURN, "assistant_turn",
            AgentTask.TOOL_RESPONSE, "tool_response",
            AgentTask.JUDGE_HALLUCINATION, "judge_hallucination",
            AgentTask.JUDGE_CONSISTENCY, "judge_consistency",
            AgentTask.JUDGE_TOOL_RESPONSE, "judge_tool_response",
            AgentTask.JUDGE_REPETITIVE, "judge_repetitive");
    private static final String MARK = "\u0000";
    private static final Pattern MARKED = Pattern.compile(MARK + "(\\w+)" + MARK);
    private static final Pattern TURN_START = Pattern.compile("^\\[(\\d+)] (user|assistant|tool)(: | calls: )");
    private static final Pattern SCALAR = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null");
    private static final Pattern CALL_LINE = Pattern.compile("^\\d+\\. ");
    private static final String TRUNCATED = "\n[... document truncated]";

    private final Map<AgentTask, PromptTemplate> templates = new EnumMap<>(AgentTask.class);
    private final Map<String, AgentTask> bySystem = new HashMap<>();
    private final Map<AgentTask, Section> users = new EnumMap<>(AgentTask.class);
    private final Map<String, Section> sections = new HashMap<>();

    PromptReader(final String promptVersion) {
        for (final Map.Entry<AgentTask, String> e : TEMPLATES.entrySet()) {
            final PromptTemplate template = PromptTemplate.load(promptVersion, e.getValue());
            templates.put(e.getKey(), template);
            bySystem.put(template.render(PromptTemplate.SYSTEM, Map.of()).strip(), e.getKey());
            users.put(e.getKey(), Section.of(template, PromptTemplate.USER));
        }
    }

    /** The task and values of a request, empty when its system message is none of the templates'. */
    Optional<Prompt> read(final String system, final String user) {
        final AgentTask task = bySystem.get(system.strip());
        if (task == null) {
            return Optional.empty();
        }
        return users.get(task).read(user).map(values -> new Prompt(task, values));
    }

    /** The values of the named section that {@code text} is, or empty. */
    Optional<Map<String, String>> section(final AgentTask task, final String section, final String text) {
        return sections.computeIfAbsent(task + "/" + section, k -> Section.of(templates.get(task), section))
                .read(text);
    }

    // ---- tools and turns --------------------------------------------------------------------------------

    /** The tool lines of {@code {{tools}}}, each one compact JSON object. */
    static List<Tool> tools(final String text) {
        final List<Tool> tools = new ArrayList<>();
        for (final String line : text.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            final JsonNode tool = tree(line);
            final JsonNode parameters = tool.path("parameters");
            tools.add(new Tool(tool.path("name").asText(), tool.path("description").asText(),
                    parameters.isObject() ? (ObjectNode) parameters : JSON.createObjectNode(),
                    tool.path("response").isObject() ? tool.get("response") : JSON.createObjectNode()));
        }
        return tools;
    }

    /** The numbered turns of {@code {{dialog}}}; continuation lines of a message are joined back. */
    static List<Turn> turns(final String text) {
        final List<StringBuilder> entries = new ArrayList<>();
        for (final String line : text.split("\n")) {
            if (TURN_START.matcher(line).find()) {
                entries.add(new StringBuilder(line));
            } else if (!entries.isEmpty()) {
                entries.get(entries.size() - 1).append('\n').append(line.startsWith("    ") ? line.substring(4) : line);
            }
        }
        final List<Turn> turns = new ArrayList<>();
        for (final StringBuilder entry : entries) {
            final Matcher start = TURN_START.matcher(entry);
            start.find();
            final Role role = Role.valueOf(start.group(2).toUpperCase(Locale.ROOT));
            final String rest = entry.substring(start.end());
            if (role == Role.TOOL) {
                turns.add(new Turn(role, "", List.of(), results(rest)));
            } else if (start.group(3).startsWith(" calls")) {
                final List<Call> calls = new ArrayList<>();
                final int end = callList(rest, 0, calls);
                final String says = " and says: ";
                turns.add(new Turn(role, rest.startsWith(says, end) ? rest.substring(end + says.length()) : "",
                        calls, List.of()));
            } else {
                turns.add(new Turn(role, rest, List.of(), List.of()));
            }
        }
        return turns;
    }

    /** The calls of {@code {{calls}}}: one numbered line each, {@code 1. name({...})}. */
    static List<Call> numberedCalls(final String text) {
        final List<Call> calls = new ArrayList<>();
        for (final String line : text.split("\n")) {
            final Matcher number = CALL_LINE.matcher(line);
            if (number.find()) {
                callList(line.substring(number.end()), 0, calls);
            }
        }
        return calls;
    }

    /** Reads {@code name({...}), name({...})} from {@code from}; returns where the list ends. */
    private static int callList(final String text, final int from, final List<Call> into) {
        int at = from;
        while (true) {
            final int open = text.indexOf('(', at);
            if (open < 0) {
                return at;
            }
            final Value arguments = jsonAt(text, open + 1).orElse(null);
            if (arguments == null || !arguments.node().isObject() || !text.startsWith(")", arguments.end())) {
                return at;
            }
            into.add(new Call(text.substring(at, open).strip(), (ObjectNode) arguments.node()));
            at = arguments.end() + 1;
            if (!text.startsWith(", ", at)) {
                return at;
            }
            at += 2;
        }
    }

    /** {@code name -> {...}; name -> {...}} of a tool line. */
    private static List<Result> results(final String text) {
        final List<Result> results = new ArrayList<>();
        int at = 0;
        while (true) {
            final int arrow = text.indexOf(" -> ", at);
            if (arrow < 0) {
                return results;
            }
            final Optional<Value> value = jsonAt(text, arrow + 4);
            if (value.isEmpty()) {
                return results;
            }
            results.add(new Result(text.substring(at, arrow).strip(), value.get().node()));
            at = value.get().end();
            if (!text.startsWith("; ", at)) {
                return results;
            }
            at += 2;
        }
    }

    /** A JSON value and the index just after it in the text it was read from. */
    record Value(JsonNode node, int end) {}

    /**
     * The JSON value starting at {@code from}. A container or string ends where JSON says; a bare
     * scalar ends at the longest JSON literal, so prose after it ("5.") is not read as part of it.
     */
    static Optional<Value> jsonAt(final String text, final int from) {
        if (from >= text.length()) {
            return Optional.empty();
        }
        final char first = text.charAt(from);
        if (first == '{' || first == '[' || first == '"') {
            try (JsonParser parser = JSON.getFactory().createParser(text.substring(from))) {
                final JsonNode node = JSON.readTree(parser);
                return Optional.of(new Value(node, from + (int) parser.currentLocation().getCharOffset()));
            } catch (final IOException e) {
                return Optional.empty();
            }
        }
        final Matcher scalar = SCALAR.matcher(text).region(from, text.length());
        if (!scalar.lookingAt()) {
            return Optional.empty();
        }
        return Optional.of(new Value(tree(scalar.group()), scalar.end()));
    }

    // ---- speciation and API generation ------------------------------------------------------------------

    /** The document an EXTRACT_DOMAINS prompt carries, without the backend's truncation note. */
    static SeedDocument document(final Prompt prompt) {
        final String text = prompt.value("document");
        SeedKind kind;
        try {
            kind = SeedKind.valueOf(prompt.value("kind"));
        } catch (final IllegalArgumentException e) {
            kind = SeedKind.TEXT;
        }
        return SeedDocument.newBuilder()
                .setId("prompt")
                .setTitle(prompt.value("title"))
                .setKind(kind)
                .setText(text.endsWith(TRUNCATED) ? text.substring(0, text.length() - TRUNCATED.length()) : text)
                .build();
    }

    /**
     * The subtree, example and indicators a GENERATE_API prompt was written from: the domain and
     * sub-domain nodes and one node per {@code - name: description} line, ids as the pipeline builds them.
     */
    ApiGenerationInput generationInput(final Prompt prompt) {
        final String domain = prompt.value("domain");
        final String subDomain = prompt.value("subdomain");
        final List<ContextNode> subtree = new ArrayList<>();
        subtree.add(node(List.of(domain), NodeLevel.DOMAIN, prompt.value("domain_description")));
        subtree.add(node(List.of(domain, subDomain), NodeLevel.SUBDOMAIN, prompt.value("subdomain_description")));
        for (final String line : prompt.value("functionalities").split("\n")) {
            if (!line.startsWith("- ")) {
                continue;
            }
            final String item = line.substring(2);
            final int colon = item.indexOf(": ");
            subtree.add(node(List.of(domain, subDomain, colon < 0 ? item : item.substring(0, colon)),
                    NodeLevel.FUNCTIONALITY, colon < 0 ? "" : item.substring(colon + 2)));
        }
        final List<String> indicators = new ArrayList<>();
        for (final String indicator : DiversityIndicators.ALL) {
            if (prompt.value("indicators").contains(templates.get(AgentTask.GENERATE_API)
                    .render("indicator:" + indicator, Map.of()))) {
                indicators.add(indicator);
            }
        }
        final ApiDefinition example = section(AgentTask.GENERATE_API, "example", prompt.value("example"))
                .map(values -> example(values.get("example_json"))).orElse(null);
        return ApiGenerationInput.newBuilder()
                .setSubtree(subtree)
                .setExample(example)
                .setDiversity(indicators)
                .setGeneration(example == null ? 0 : 1)
                .build();
    }

    private static ContextNode node(final List<String> path, final NodeLevel level, final String description) {
        final String id = ContextPaths.id(path);
        return ContextNode.newBuilder()
                .setId(id)
                .setParentId(path.size() == 1 ? null : ContextPaths.id(path.subList(0, path.size() - 1)))
                .setLevel(level)
                .setName(path.get(path.size() - 1))
                .setDescription(description.strip())
                .setPath(path)
                .build();
    }

    private static ApiDefinition example(final String json) {
        final JsonNode example = tree(json);
        return ApiDefinition.newBuilder()
                .setId("example")
                .setName(example.path("name").asText())
                .setDescription(example.path("description").asText())
                .setParameters(example.path("parameters").toString())
                .setResponse(example.path("response").toString())
                .setLineage(Lineage.newBuilder().build())
                .build();
    }

    private static JsonNode tree(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    /** One template section as a pattern with a group per placeholder occurrence. */
    private record Section(Pattern pattern, List<String> names) {

        static Section of(final PromptTemplate template, final String name) {
            // Placeholders come back as marked names, so the section's literal text can be quoted around them.
            final String marked = template.render(name, new AbstractMap<>() {
                @Override
                public String get(final Object key) {
                    return MARK + key + MARK;
                }

                @Override
                public Set<Map.Entry<String, String>> entrySet() {
                    return Set.of();
                }
            });
            final StringBuilder regex = new StringBuilder();
            final List<String> names = new ArrayList<>();
            final Matcher placeholder = MARKED.matcher(marked);
            int at = 0;
            while (placeholder.find()) {
                regex.append(Pattern.quote(marked.substring(at, placeholder.start())));
                final int earlier = names.indexOf(placeholder.group(1));
                regex.append(earlier < 0 ? "(.*?)" : "\\" + (earlier + 1));
                if (earlier < 0) {
                    names.add(placeholder.group(1));
                }
                at = placeholder.end();
            }
            regex.append(Pattern.quote(marked.substring(at)));
            return new Section(Pattern.compile(regex.toString(), Pattern.DOTALL), names);
        }

        Optional<Map<String, String>> read(final String text) {
            final Matcher matcher = pattern.matcher(text.strip());
            if (!matcher.matches()) {
                return Optional.empty();
            }
            final Map<String, String> values = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                values.put(names.get(i), matcher.group(i + 1));
            }
            return Optional.of(values);
        }
    }
}

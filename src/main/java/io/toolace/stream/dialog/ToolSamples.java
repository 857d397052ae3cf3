package io.toolace.stream.dialog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.BoundedCache;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Json;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import io.toolace.stream.format.TurnIssue;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Between the pipeline's records and the verifier's neutral model: the rule layer, the system prompt
 * and the exporters all see a sample the way a dataset file would show it.
 */
public final class ToolSamples {

    /**
     * Tool specs kept, per generation of the cache: a sample repeats its pool's APIs, whose schemas would
     * otherwise be parsed again for every sample that offers them. Sized as the turn stage's gate memo, for a
     * pool of its first generation.
     */
    private static final int CACHED_SPECS = 8_192;
    private static final BoundedCache<String, Parsed> SPECS = new BoundedCache<>(CACHED_SPECS);

    /**
     * An API, its spec and the spec as a system prompt lists it, so a cached spec is used only for the same
     * definition under its id.
     */
    private record Parsed(ApiDefinition api, ToolSpec spec, String definition) {}

    private ToolSamples() {}

    /**
     * The API as a tool spec. The spec's schema nodes may be shared with other callers: they must not be
     * modified. An API id is a content hash in the pipeline, but the spec is reused only when the texts
     * are equal too: an id may come from anywhere.
     */
    public static ToolSpec toolSpec(final ApiDefinition api) {
        return api.getId() == null ? specOf(api) : parsed(api).spec();
    }

    /** The cached spec and definition of an API that has an id. */
    private static Parsed parsed(final ApiDefinition api) {
        final Parsed cached = SPECS.peek(api.getId());
        if (cached != null && sameDefinition(cached.api(), api)) {
            return cached;
        }
        final ToolSpec spec = specOf(api);
        final Parsed parsed = new Parsed(api, spec, ToolDefinitions.toolAceDefinition(spec));
        SPECS.put(api.getId(), parsed);
        return parsed;
    }

    /**
     * Whether two APIs define the same tool: name, description and both schemas. A memo keyed by an API's id
     * checks this on a hit, which compares texts where hashing them for the key would read them all.
     */
    public static boolean sameDefinition(final ApiDefinition a, final ApiDefinition b) {
        return Objects.equals(a.getParameters(), b.getParameters()) && Objects.equals(a.getResponse(), b.getResponse())
                && Objects.equals(a.getName(), b.getName()) && Objects.equals(a.getDescription(), b.getDescription());
    }

    private static ToolSpec specOf(final ApiDefinition api) {
        return new ToolSpec(api.getName(), api.getDescription(), schema(api.getParameters()),
                schema(api.getResponse()));
    }

    /**
     * A schema's JSON; text that is not JSON stays as text, so the API rules report a schema that is not
     * one rather than a tool that declares none.
     */
    private static JsonNode schema(final String text) {
        final JsonNode schema = Json.parseOrNull(text);
        return schema != null || text.isBlank() ? schema : JsonNodeFactory.instance.textNode(text);
    }

    public static List<ToolSpec> toolSpecs(final List<ApiDefinition> apis) {
        final List<ToolSpec> specs = new ArrayList<>(apis.size());
        for (final ApiDefinition api : apis) {
            specs.add(toolSpec(api));
        }
        return specs;
    }

    /** ToolACE's system prompt, with the candidate tools as a JSON array. */
    public static String systemPrompt(final List<ApiDefinition> tools) {
        final List<String> definitions = new ArrayList<>(tools.size());
        for (final ApiDefinition tool : tools) {
            definitions.add(definition(tool));
        }
        return ToolDefinitions.toolAcePromptOf(definitions);
    }

    /** One tool as {@link #systemPrompt} lists it. */
    public static String definition(final ApiDefinition tool) {
        return tool.getId() == null ? ToolDefinitions.toolAceDefinition(specOf(tool)) : parsed(tool).definition();
    }

    public static ToolSample toToolSample(final Sample sample) {
        final List<Message> messages = new ArrayList<>(sample.getTurns().size());
        for (final Turn turn : sample.getTurns()) {
            messages.add(message(turn));
        }
        return new ToolSample(sample.getId(), sample.getSystem(), toolSpecs(sample.getTools()), messages);
    }

    public static String toLine(final Sample sample, final SampleFormat format) {
        return Json.write(format.write(toToolSample(sample)));
    }

    /**
     * As {@link #toLine(Sample, SampleFormat)}, with each assistant turn's formalized thinking (the
     * decision record: need a tool? which API? required and optional parameters?) beside it: a
     * {@code thinking} list in the toolace and sharegpt formats, {@code reasoning_content} text in the
     * openai format, as vLLM and DeepSeek serve reasoning. Readers of the three formats ignore the extra
     * field, so the file still reads back as plain samples.
     */
    public static String toLine(final Sample sample, final SampleFormat format, final boolean withThinking) {
        final ObjectNode line = format.write(toToolSample(sample));
        if (withThinking) {
            addThinking(line, format, sample.getTurns());
        }
        return Json.write(line);
    }

    private static void addThinking(final ObjectNode line, final SampleFormat format, final List<Turn> turns) {
        final JsonNode entries = line.path(format == SampleFormat.OPENAI ? "messages" : "conversations");
        final Iterator<Turn> assistantTurns = turns.stream()
                .filter(t -> t.getRole() == io.toolace.stream.records.Role.ASSISTANT).iterator();
        for (final JsonNode entry : entries) {
            if (!isAssistantEntry(entry, format) || !assistantTurns.hasNext()) {
                continue;
            }
            final List<String> thinking = assistantTurns.next().getThinking();
            if (thinking.isEmpty()) {
                continue;
            }
            if (format == SampleFormat.OPENAI) {
                ((ObjectNode) entry).put("reasoning_content", String.join("\n", thinking));
            } else {
                thinking.forEach(((ObjectNode) entry).putArray("thinking")::add);
            }
        }
    }

    private static boolean isAssistantEntry(final JsonNode entry, final SampleFormat format) {
        switch (format) {
            case OPENAI:
                return "assistant".equals(entry.path("role").asText());
            case SHAREGPT:
                final String from = entry.path("from").asText();
                return "gpt".equals(from) || "function_call".equals(from);
            default:
                return "assistant".equals(entry.path("from").asText());
        }
    }

    private static Message message(final Turn turn) {
        switch (turn.getRole()) {
            case USER:
                return Message.user(turn.getText());
            case TOOL:
                final List<ToolResult> results = new ArrayList<>(turn.getResults().size());
                for (final io.toolace.stream.records.ToolResult result : turn.getResults()) {
                    final JsonNode value = Json.parseOrNull(result.getResults());
                    results.add(new ToolResult(result.getName(),
                            value == null ? JsonNodeFactory.instance.textNode(result.getResults()) : value));
                }
                return Message.tool(results);
            default:
                if (turn.getCalls().isEmpty()) {
                    return Message.assistant(turn.getText());
                }
                final List<FunctionCall> calls = new ArrayList<>(turn.getCalls().size());
                TurnIssue issue = null;
                for (final io.toolace.stream.records.FunctionCall call : turn.getCalls()) {
                    final JsonNode arguments = Json.parseOrNull(call.getArguments());
                    if (arguments instanceof ObjectNode) {
                        calls.add(new FunctionCall(call.getName(), (ObjectNode) arguments));
                    } else {
                        calls.add(new FunctionCall(call.getName(), JsonNodeFactory.instance.objectNode()));
                        issue = new TurnIssue(TurnIssue.Kind.CALL_SYNTAX,
                                "arguments of " + call.getName() + " are not a JSON object: " + call.getArguments());
                    }
                }
                final Message calling = new Message(Role.ASSISTANT, turn.getText(), calls, List.of(), null);
                return issue == null ? calling : calling.withIssue(issue);
        }
    }
}

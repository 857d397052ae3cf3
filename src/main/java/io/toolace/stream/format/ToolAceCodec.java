package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ToolACE release format: {@code {"system": "...tools as JSON inside the prompt...",
 * "conversations": [{"from": "user"|"assistant"|"tool", "value": ...}]}}. An assistant value is text
 * or a call list in {@link CallSyntax}; a tool value is a JSON list of {@code {"name", "results"}}.
 */
final class ToolAceCodec implements SampleCodec {

    @Override
    public ToolSample read(final ObjectNode record) throws MalformedSampleException {
        final String system = Records.optionalText(record, "system");
        final List<ToolSpec> tools = Records.tools(record.get("tools"), system);
        final ArrayNode conversations = Records.requiredArray(record, "conversations");
        final List<Message> messages = new ArrayList<>(conversations.size());
        for (int i = 0; i < conversations.size(); i++) {
            final ObjectNode turn = Records.entry(conversations, "conversations", i);
            final Role role = role(turn, i);
            final JsonNode value = turn.get("value");
            if (value == null || value.isNull()) {
                messages.add(new Message(role, null, List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "turn has no 'value'")));
            } else if (role == Role.TOOL) {
                messages.add(value.isTextual()
                        ? Records.namedResults(Json.parseOrNull(value.textValue()), value.textValue())
                        : Records.namedResults(value, value.toString()));
            } else if (!value.isTextual()) {
                messages.add(new Message(role, value.toString(), List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.SHAPE, "value is " + Records.kind(value) + ", expected a string")));
            } else if (role == Role.ASSISTANT) {
                messages.add(assistant(value.textValue()));
            } else {
                messages.add(new Message(role, value.textValue(), List.of(), List.of(), null));
            }
        }
        return new ToolSample(Records.id(record), system, tools, messages);
    }

    private static Role role(final ObjectNode turn, final int index) throws MalformedSampleException {
        final JsonNode from = turn.get("from");
        if (from == null || !from.isTextual()) {
            throw new MalformedSampleException("conversations[" + index + "] has no 'from'");
        }
        return switch (from.textValue()) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            case "system" -> Role.SYSTEM;
            default -> throw new MalformedSampleException("conversations[" + index + "] is from '" + from.textValue()
                    + "'; ToolACE turns are from user, assistant, tool or system");
        };
    }

    /**
     * A value that starts like a call list must be one; elsewhere a call list that parses is taken
     * as calls beside text, which the verifier reports where the prompt forbids text.
     */
    private static Message assistant(final String value) {
        if (CallSyntax.looksLikeCallList(value) || value.strip().equals("[]")) {
            try {
                final List<FunctionCall> calls = CallSyntax.parse(value);
                return calls.isEmpty() ? Message.assistant("") : Message.calls(calls);
            } catch (final CallParseException e) {
                return new Message(Role.ASSISTANT, value, List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, e.getMessage()));
            }
        }
        final Optional<CallSyntax.Located> embedded = CallSyntax.find(value);
        if (embedded.isEmpty()) {
            return Message.assistant(value);
        }
        final CallSyntax.Located located = embedded.get();
        final String beside = (value.substring(0, located.start()) + value.substring(located.end())).strip();
        return new Message(Role.ASSISTANT, beside, located.calls(), List.of(), null);
    }

    /**
     * ToolACE names every result. Formats that do not (a plain LLaMA-Factory observation) leave the
     * name out, so an unnamed k-th result takes the name of the k-th call it answers.
     */
    private static List<ToolResult> named(final List<ToolResult> results, final List<FunctionCall> calls) {
        final List<ToolResult> named = new ArrayList<>(results.size());
        for (int k = 0; k < results.size(); k++) {
            final ToolResult result = results.get(k);
            named.add(result.name() == null && k < calls.size() ? new ToolResult(calls.get(k).name(), result.results()) : result);
        }
        return named;
    }

    @Override
    public ObjectNode write(final ToolSample sample) {
        final ObjectNode record = Json.MAPPER.createObjectNode();
        if (sample.id() != null) {
            record.put("id", sample.id());
        }
        record.put("system", systemWithTools(sample));
        final ArrayNode conversations = record.putArray("conversations");
        List<FunctionCall> lastCalls = List.of();
        for (final Message message : sample.messages()) {
            final ObjectNode turn = conversations.addObject();
            turn.put("from", message.role().name().toLowerCase(Locale.ROOT));
            turn.put("value", value(message, lastCalls));
            if (message.role() == Role.ASSISTANT) {
                lastCalls = message.calls();
            }
        }
        return record;
    }

    /** The system prompt as ToolACE has it: the tools must be inside it, since the format has no other place. */
    private static String systemWithTools(final ToolSample sample) {
        final String system = sample.system();
        if (sample.tools().isEmpty() || ToolDefinitions.findInPrompt(system).isPresent()) {
            return system;
        }
        final String prompt = ToolDefinitions.toolAcePrompt(sample.tools());
        return system == null || system.isBlank() ? prompt : system + "\n\n" + prompt;
    }

    private static String value(final Message message, final List<FunctionCall> lastCalls) {
        if (message.role() == Role.TOOL && !message.results().isEmpty()) {
            return Json.write(Records.namedResultsJson(named(message.results(), lastCalls)));
        }
        if (message.calls().isEmpty()) {
            return message.text();
        }
        final String calls = CallSyntax.print(message.calls());
        return message.text() == null || message.text().isBlank() ? calls : message.text() + "\n" + calls;
    }
}

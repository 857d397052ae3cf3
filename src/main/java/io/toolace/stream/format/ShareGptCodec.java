package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The LLaMA-Factory ShareGPT function format: {@code {"conversations": [{"from":
 * "human"|"gpt"|"function_call"|"observation", "value": ...}], "system": ..., "tools": "..."}}. A
 * function_call value is JSON: one {@code {"name", "arguments"}} or a list of them. An observation is
 * a JSON list of {@code {"name", "results"}} (as ToolACE conversions write it) or any other tool
 * output, which becomes one unnamed result.
 *
 * <p>Text beside calls has no place in this format (a function_call turn is the assistant's whole
 * turn), so the writer keeps the calls of such a turn and drops its text.
 */
final class ShareGptCodec implements SampleCodec {

    @Override
    public ToolSample read(final ObjectNode record) throws MalformedSampleException {
        final String system = Records.optionalText(record, "system");
        final List<ToolSpec> tools = Records.tools(record.get("tools"), system);
        final ArrayNode conversations = Records.requiredArray(record, "conversations");
        final List<Message> messages = new ArrayList<>(conversations.size());
        for (int i = 0; i < conversations.size(); i++) {
            final ObjectNode turn = Records.entry(conversations, "conversations", i);
            final JsonNode from = turn.get("from");
            if (from == null || !from.isTextual()) {
                throw new MalformedSampleException("conversations[" + i + "] has no 'from'");
            }
            final JsonNode value = turn.get("value");
            final Role role = switch (from.textValue()) {
                case "human", "user" -> Role.USER;
                case "gpt", "assistant", "function_call" -> Role.ASSISTANT;
                case "observation", "tool" -> Role.TOOL;
                case "system" -> Role.SYSTEM;
                default -> throw new MalformedSampleException("conversations[" + i + "] is from '" + from.textValue()
                        + "'; expected human, gpt, function_call, observation or system");
            };
            if (value == null || value.isNull()) {
                messages.add(new Message(role, null, List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "turn has no 'value'")));
            } else if (from.textValue().equals("function_call")) {
                messages.add(calls(value));
            } else if (role == Role.TOOL) {
                messages.add(observation(value));
            } else {
                messages.add(new Message(role, value.isTextual() ? value.textValue() : value.toString(), List.of(), List.of(),
                        value.isTextual() ? null : new TurnIssue(TurnIssue.Kind.SHAPE, "value is " + Records.kind(value) + ", expected a string")));
            }
        }
        return new ToolSample(Records.id(record), system, tools, messages);
    }

    private static Message calls(final JsonNode value) {
        final String raw = value.isTextual() ? value.textValue() : value.toString();
        final JsonNode parsed = value.isTextual() ? Json.parseOrNull(value.textValue()) : value;
        if (parsed == null || !(parsed.isObject() || parsed.isArray())) {
            return new Message(Role.ASSISTANT, raw, List.of(), List.of(),
                    new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, "function_call value is not a JSON object or list"));
        }
        final List<FunctionCall> calls = new ArrayList<>();
        TurnIssue issue = null;
        final Iterable<JsonNode> items = parsed.isArray() ? parsed : List.of(parsed);
        int k = 0;
        for (final JsonNode item : items) {
            final String name = item.path("name").isTextual() ? item.get("name").textValue() : null;
            ObjectNode arguments = Records.argumentsOrNull(item.get("arguments"));
            if (issue == null && !item.isObject()) {
                issue = new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, "call " + k + " is " + Records.kind(item) + ", expected {\"name\", \"arguments\"}");
            } else if (issue == null && name == null) {
                issue = new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "call " + k + " has no 'name'");
            } else if (issue == null && arguments == null) {
                issue = new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, "call " + k + " arguments are not a JSON object");
            }
            if (arguments == null) {
                arguments = Json.MAPPER.createObjectNode();
            }
            calls.add(new FunctionCall(name, arguments));
            k++;
        }
        // An empty list is an assistant turn that says nothing: keep it as an empty turn.
        return calls.isEmpty() ? Message.assistant("") : new Message(Role.ASSISTANT, null, calls, List.of(), issue);
    }

    private static Message observation(final JsonNode value) {
        final JsonNode parsed = value.isTextual() ? Records.jsonOrText(value.textValue()) : value;
        if (Records.isNamedResultList(parsed)) {
            return Records.namedResults(parsed, null);
        }
        if (parsed.isArray() && parsed.isEmpty()) {
            return new Message(Role.TOOL, "", List.of(), List.of(), null);
        }
        return Message.tool(List.of(new ToolResult(null, parsed)));
    }

    @Override
    public ObjectNode write(final ToolSample sample) {
        final ObjectNode record = Json.MAPPER.createObjectNode();
        if (sample.id() != null) {
            record.put("id", sample.id());
        }
        final ArrayNode conversations = record.putArray("conversations");
        for (final Message message : sample.messages()) {
            final ObjectNode turn = conversations.addObject();
            switch (message.role()) {
                case USER -> turn.put("from", "human").put("value", message.text());
                case SYSTEM -> turn.put("from", "system").put("value", message.text());
                case ASSISTANT -> {
                    if (message.calls().isEmpty()) {
                        turn.put("from", "gpt").put("value", message.text());
                    } else {
                        turn.put("from", "function_call").put("value", Json.write(callsJson(message.calls())));
                    }
                }
                case TOOL -> turn.put("from", "observation").put("value", observationText(message));
            }
        }
        if (sample.system() != null) {
            record.put("system", sample.system());
        }
        record.put("tools", Json.write(ToolDefinitions.toJsonArray(sample.tools())));
        return record;
    }

    private static JsonNode callsJson(final List<FunctionCall> calls) {
        final ArrayNode array = Json.MAPPER.createArrayNode();
        for (final FunctionCall call : calls) {
            array.addObject().put("name", call.name()).set("arguments", call.arguments());
        }
        return calls.size() == 1 ? array.get(0) : array;
    }

    private static String observationText(final Message message) {
        if (message.results().isEmpty()) {
            return message.text();
        }
        final boolean named = message.results().stream().allMatch(r -> r.name() != null);
        if (named) {
            return Json.write(Records.namedResultsJson(message.results()));
        }
        if (message.results().size() == 1) {
            final JsonNode only = message.results().get(0).results();
            return only.isTextual() ? only.textValue() : Json.write(only);
        }
        final ArrayNode all = Json.MAPPER.createArrayNode();
        message.results().forEach(result -> all.add(result.results()));
        return Json.write(all);
    }
}

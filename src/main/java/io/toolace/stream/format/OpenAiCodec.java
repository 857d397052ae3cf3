package io.toolace.stream.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAI chat format: {@code {"messages": [...], "tools": [{"type": "function", "function": {...}}]}}.
 * Calls are {@code tool_calls} with arguments as JSON text; each result is its own {@code tool}
 * message answering a {@code tool_call_id}. Consecutive tool messages become one tool turn, so a turn
 * means the same thing in every format. The legacy {@code functions}/{@code function_call} spelling
 * is read too.
 */
final class OpenAiCodec implements SampleCodec {

    @Override
    public ToolSample read(final ObjectNode record) throws MalformedSampleException {
        final ArrayNode list = Records.requiredArray(record, "messages");
        int first = 0;
        String system = null;
        if (!list.isEmpty() && list.get(0).isObject() && isSystem(list.get(0).path("role").asText())) {
            system = content(list.get(0));
            first = 1;
        }
        final JsonNode toolsField = record.has("tools") ? record.get("tools") : record.get("functions");
        final List<ToolSpec> tools = Records.tools(toolsField, system);
        final List<Message> messages = new ArrayList<>(list.size());
        // Call ids of the latest assistant turn, so tool messages can be matched to the call they answer.
        Map<String, String> callNames = Map.of();
        List<ToolResult> pendingResults = null;
        TurnIssue pendingIssue = null;
        for (int i = first; i < list.size(); i++) {
            final ObjectNode entry = Records.entry(list, "messages", i);
            final String role = entry.path("role").asText(null);
            if (role == null) {
                throw new MalformedSampleException("messages[" + i + "] has no 'role'");
            }
            if (role.equals("tool") || role.equals("function")) {
                if (pendingResults == null) {
                    pendingResults = new ArrayList<>();
                    pendingIssue = null;
                }
                final ToolResultRead read = toolResult(entry, callNames);
                pendingResults.add(read.result());
                if (pendingIssue == null) {
                    pendingIssue = read.issue();
                }
                continue;
            }
            if (pendingResults != null) {
                messages.add(new Message(Role.TOOL, null, List.of(), pendingResults, pendingIssue));
                pendingResults = null;
            }
            switch (role) {
                case "user" -> messages.add(textTurn(Role.USER, entry));
                case "system", "developer" -> messages.add(textTurn(Role.SYSTEM, entry));
                case "assistant" -> {
                    final Map<String, String> ids = new HashMap<>();
                    messages.add(assistant(entry, ids));
                    callNames = ids;
                }
                default -> throw new MalformedSampleException("messages[" + i + "] has role '" + role
                        + "'; expected system, user, assistant or tool");
            }
        }
        if (pendingResults != null) {
            messages.add(new Message(Role.TOOL, null, List.of(), pendingResults, pendingIssue));
        }
        return new ToolSample(Records.id(record), system, tools, messages);
    }

    private static boolean isSystem(final String role) {
        return role.equals("system") || role.equals("developer");
    }

    private static Message textTurn(final Role role, final ObjectNode entry) {
        final String text = content(entry);
        return new Message(role, text, List.of(), List.of(),
                text == null ? new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "message has no 'content'") : null);
    }

    /** The text of a message: a string, or the text parts of a content-part list joined. */
    private static String content(final JsonNode entry) {
        final JsonNode content = entry.get("content");
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isArray()) {
            final StringBuilder text = new StringBuilder();
            for (final JsonNode part : content) {
                if (part.path("text").isTextual()) {
                    text.append(part.get("text").textValue());
                }
            }
            return text.toString();
        }
        return content.isTextual() ? content.textValue() : content.toString();
    }

    private static Message assistant(final ObjectNode entry, final Map<String, String> callNames) {
        final String text = content(entry);
        final List<JsonNode> rawCalls = new ArrayList<>();
        entry.path("tool_calls").forEach(rawCalls::add);
        if (entry.path("function_call").isObject()) {
            rawCalls.add(entry.get("function_call"));
        }
        if (rawCalls.isEmpty()) {
            return new Message(Role.ASSISTANT, text, List.of(), List.of(),
                    text == null ? new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "assistant message has neither 'content' nor 'tool_calls'") : null);
        }
        final List<FunctionCall> calls = new ArrayList<>(rawCalls.size());
        TurnIssue issue = null;
        for (int k = 0; k < rawCalls.size(); k++) {
            final JsonNode raw = rawCalls.get(k);
            final JsonNode function = raw.has("function") ? raw.get("function") : raw;
            final String name = function.path("name").isTextual() ? function.get("name").textValue() : null;
            ObjectNode arguments = Records.argumentsOrNull(function.get("arguments"));
            if (issue == null && name == null) {
                issue = new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "tool call " + k + " has no function name");
            }
            if (arguments == null) {
                if (issue == null) {
                    issue = new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, "tool call " + k + " arguments are not a JSON object");
                }
                // Kept, argument-less, so the call still counts against the tool results that follow.
                arguments = Json.MAPPER.createObjectNode();
            }
            calls.add(new FunctionCall(name, arguments));
            if (raw.path("id").isTextual() && name != null) {
                callNames.put(raw.get("id").textValue(), name);
            }
        }
        return new Message(Role.ASSISTANT, text == null || text.isEmpty() ? null : text, calls, List.of(), issue);
    }

    private record ToolResultRead(ToolResult result, TurnIssue issue) {}

    private static ToolResultRead toolResult(final ObjectNode entry, final Map<String, String> callNames) {
        final String content = content(entry);
        final JsonNode results = content == null ? Json.MAPPER.nullNode() : Records.jsonOrText(content);
        final String callId = entry.path("tool_call_id").asText(null);
        final String answered = callId == null ? null : callNames.get(callId);
        final String name = entry.path("name").isTextual() ? entry.get("name").textValue() : answered;
        TurnIssue issue = null;
        if (content == null) {
            issue = new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "tool message has no 'content'");
        } else if (callId != null && answered == null) {
            issue = new TurnIssue(TurnIssue.Kind.UNMATCHED_CALL_ID, "tool_call_id '" + callId + "' answers no call of the assistant turn before it");
        }
        return new ToolResultRead(new ToolResult(name, results), issue);
    }

    @Override
    public ObjectNode write(final ToolSample sample) {
        final ObjectNode record = Json.MAPPER.createObjectNode();
        if (sample.id() != null) {
            record.put("id", sample.id());
        }
        final ArrayNode messages = record.putArray("messages");
        if (sample.system() != null) {
            messages.addObject().put("role", "system").put("content", sample.system());
        }
        List<String> lastCallIds = List.of();
        List<FunctionCall> lastCalls = List.of();
        for (int t = 0; t < sample.messages().size(); t++) {
            final Message message = sample.messages().get(t);
            switch (message.role()) {
                case USER, SYSTEM -> messages.addObject()
                        .put("role", message.role().name().toLowerCase(Locale.ROOT))
                        .put("content", message.text());
                case ASSISTANT -> {
                    final ObjectNode entry = messages.addObject().put("role", "assistant").put("content", message.text());
                    lastCalls = message.calls();
                    lastCallIds = new ArrayList<>(lastCalls.size());
                    if (!lastCalls.isEmpty()) {
                        final ArrayNode toolCalls = entry.putArray("tool_calls");
                        for (int k = 0; k < lastCalls.size(); k++) {
                            final String id = "call_" + t + "_" + k;
                            lastCallIds.add(id);
                            final ObjectNode call = toolCalls.addObject().put("id", id).put("type", "function");
                            call.putObject("function")
                                    .put("name", lastCalls.get(k).name())
                                    .put("arguments", Json.write(lastCalls.get(k).arguments()));
                        }
                    }
                }
                case TOOL -> writeResults(message, lastCalls, lastCallIds, messages);
            }
        }
        final ArrayNode tools = record.putArray("tools");
        for (final ToolSpec tool : sample.tools()) {
            tools.addObject().put("type", "function").set("function", ToolDefinitions.toJson(tool));
        }
        return record;
    }

    /** One tool message per result; the k-th result named f answers the first call to f not yet answered. */
    private static void writeResults(final Message message, final List<FunctionCall> calls, final List<String> ids,
            final ArrayNode messages) {
        final boolean[] answered = new boolean[calls.size()];
        for (int k = 0; k < message.results().size(); k++) {
            final ToolResult result = message.results().get(k);
            int match = -1;
            for (int c = 0; c < calls.size() && match < 0; c++) {
                if (!answered[c] && result.name() != null && result.name().equals(calls.get(c).name())) {
                    match = c;
                }
            }
            if (match < 0 && k < calls.size() && !answered[k]) {
                match = k;
            }
            final ObjectNode entry = messages.addObject().put("role", "tool");
            if (match >= 0) {
                answered[match] = true;
                entry.put("tool_call_id", ids.get(match));
            }
            if (result.name() != null) {
                entry.put("name", result.name());
            }
            entry.put("content", result.results().isTextual() ? result.results().textValue() : Json.write(result.results()));
        }
        if (message.results().isEmpty()) {
            messages.addObject().put("role", "tool").put("content", message.text());
        }
    }
}

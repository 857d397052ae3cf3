package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.ToolDefinitions;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A clean ToolACE-shaped sample and the small edits the rule tests make to it. */
final class Samples {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Message indices of the clean sample. */
    static final int FIRST_USER = 0;
    static final int CALLS = 1;
    static final int RESULTS = 2;
    static final int SUMMARY = 3;
    static final int LAST_USER = 4;
    static final int LAST_ANSWER = 5;
    /** Tool indices: the two called tools and one declared but unused. */
    static final int WEATHER = 0;
    static final int SEARCH = 1;
    static final int UNUSED = 2;

    private Samples() {}

    static ToolSample clean() {
        final List<ToolSpec> tools = List.of(
                new ToolSpec("Get Weather", "Weather forecast for a city.", json("""
                        {"type": "dict", "properties": {
                          "city": {"type": "string", "description": "City name"},
                          "units": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
                          "days": {"type": "int", "minimum": 1, "maximum": 14},
                          "date": {"type": "string", "format": "date"}},
                         "required": ["city"]}"""), null),
                new ToolSpec("pkg.search", "Search the product catalogue.", json("""
                        {"type": "object", "properties": {
                          "query": {"type": "string", "minLength": 1},
                          "filters": {"type": "dict", "properties": {
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "max_price": {"type": "float"}}},
                          "limit": {"type": ["integer", "null"]}},
                         "required": ["query"]}"""), json("{\"type\": \"object\"}")),
                new ToolSpec("Get Time", "Local time in a time zone.", json("""
                        {"type": "dict", "properties": {"timezone": {"type": "string", "pattern": "^[A-Za-z]+/[A-Za-z_]+$"}},
                         "required": ["timezone"]}"""), null));
        return new ToolSample("clean-1", ToolDefinitions.toolAcePrompt(tools), tools, List.of(
                Message.user("What is the weather in Paris for the next 3 days, and can you find umbrellas under 20 euros?"),
                Message.calls(List.of(
                        call("Get Weather", "{\"city\": \"Paris\", \"units\": \"celsius\", \"days\": 3, \"date\": \"2024-05-01\"}"),
                        call("pkg.search", "{\"query\": \"umbrella\", \"filters\": {\"tags\": [\"rain\"], \"max_price\": 20}, \"limit\": 5}"))),
                Message.tool(List.of(
                        new ToolResult("Get Weather", json("{\"forecast\": [{\"day\": \"2024-05-01\", \"sky\": \"rain\", \"max\": 17.5}]}")),
                        new ToolResult("pkg.search", json("{\"items\": [{\"name\": \"Compact umbrella\", \"price\": 14.9}]}")))),
                Message.assistant("Paris will be mild, with rain on the first day. I found a compact umbrella for 14.90 euros."),
                Message.user("Thanks, that helps a lot."),
                Message.assistant("You're welcome. Enjoy your trip!")));
    }

    static FunctionCall call(final String name, final String arguments) {
        return new FunctionCall(name, (ObjectNode) json(arguments));
    }

    static JsonNode json(final String text) {
        try {
            return JSON.readTree(text);
        } catch (final Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static UnaryOperator<ToolSample> message(final int index, final Message replacement) {
        return sample -> {
            final List<Message> messages = new ArrayList<>(sample.messages());
            messages.set(index, replacement);
            return new ToolSample(sample.id(), sample.system(), sample.tools(), messages);
        };
    }

    static UnaryOperator<ToolSample> insert(final int index, final Message inserted) {
        return sample -> {
            final List<Message> messages = new ArrayList<>(sample.messages());
            messages.add(index, inserted);
            return new ToolSample(sample.id(), sample.system(), sample.tools(), messages);
        };
    }

    static UnaryOperator<ToolSample> truncate(final int size) {
        return sample -> new ToolSample(sample.id(), sample.system(), sample.tools(), sample.messages().subList(0, size));
    }

    /** Changes the arguments of the call at {@code call} in the call turn; a null value removes the argument. */
    static UnaryOperator<ToolSample> argument(final int call, final String key, final JsonNode value) {
        return sample -> {
            final List<FunctionCall> calls = new ArrayList<>(sample.messages().get(CALLS).calls());
            final ObjectNode arguments = calls.get(call).arguments().deepCopy();
            if (value == null) {
                arguments.remove(key);
            } else {
                arguments.set(key, value);
            }
            calls.set(call, new FunctionCall(calls.get(call).name(), arguments));
            return message(CALLS, Message.calls(calls)).apply(sample);
        };
    }

    /** Changes one nested argument value, addressed by a JSON pointer such as {@code /filters/tags/0}. */
    static UnaryOperator<ToolSample> nested(final int call, final String pointer, final JsonNode value) {
        return sample -> {
            final List<FunctionCall> calls = new ArrayList<>(sample.messages().get(CALLS).calls());
            final ObjectNode arguments = calls.get(call).arguments().deepCopy();
            final int cut = pointer.lastIndexOf('/');
            final JsonNode parent = arguments.at(pointer.substring(0, cut));
            final String last = pointer.substring(cut + 1);
            if (parent.isArray()) {
                ((ArrayNode) parent).set(Integer.parseInt(last), value);
            } else {
                ((ObjectNode) parent).set(last, value);
            }
            calls.set(call, new FunctionCall(calls.get(call).name(), arguments));
            return message(CALLS, Message.calls(calls)).apply(sample);
        };
    }

    static UnaryOperator<ToolSample> tool(final int index, final ToolSpec replacement) {
        return sample -> {
            final List<ToolSpec> tools = new ArrayList<>(sample.tools());
            tools.set(index, replacement);
            return new ToolSample(sample.id(), sample.system(), tools, sample.messages());
        };
    }

    static UnaryOperator<ToolSample> addTool(final ToolSpec added) {
        return sample -> {
            final List<ToolSpec> tools = new ArrayList<>(sample.tools());
            tools.add(added);
            return new ToolSample(sample.id(), sample.system(), tools, sample.messages());
        };
    }

    static UnaryOperator<ToolSample> system(final String system) {
        return sample -> new ToolSample(sample.id(), system, sample.tools(), sample.messages());
    }
}

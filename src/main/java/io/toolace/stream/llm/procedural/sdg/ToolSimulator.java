package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.FunctionCall;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tool agent's simulation of one call: a result that follows the API's response schema, with
 * every declared field filled, and argument values echoed into fields of the same name (a forecast
 * for Paris says {@code "location": "Paris"}), so results stay consistent with their calls. Nothing
 * is executed. A call to a function no tool declares gets an error result, as a runtime would give.
 * Public for the LLM simulator's tool agent, which reads the schema from a prompt instead of a draft.
 */
public final class ToolSimulator {

    private ToolSimulator() {}

    static JsonNode result(final List<ApiSpec> apis, final FunctionCall call, final SplittableRandom rnd) {
        final ApiSpec api = ApiSpec.find(apis, call.getName());
        if (api == null) {
            return JsonNodeFactory.instance.objectNode()
                    .put("error", "Function '" + call.getName() + "' is not available.");
        }
        final JsonNode arguments = Json.tryParse(call.getArguments()).filter(JsonNode::isObject)
                .orElseGet(JsonNodeFactory.instance::objectNode);
        return simulate(api.response(), arguments, rnd);
    }

    /** A result following {@code responseSchema} (empty: untyped), with the call's {@code arguments} echoed. */
    public static JsonNode simulate(final JsonNode responseSchema, final JsonNode arguments,
            final SplittableRandom rnd) {
        if (responseSchema.isEmpty()) {
            // No response schema: report success and what was done, the way an untyped endpoint would.
            final ObjectNode out = JsonNodeFactory.instance.objectNode().put("status", "success");
            arguments.properties().forEach(f -> out.set(f.getKey(), f.getValue()));
            return out;
        }
        final JsonNode result = ValueForge.value("result", responseSchema, 1, rnd);
        echo(result, responseSchema, arguments);
        return result;
    }

    /** Copies each argument into the same-named field of the result (at any object depth) where the field's schema admits it. */
    private static void echo(final JsonNode result, final JsonNode schema, final JsonNode arguments) {
        if (!result.isObject()) {
            return;
        }
        final ObjectNode object = (ObjectNode) result;
        for (final Map.Entry<String, JsonNode> field : object.properties()) {
            final JsonNode fieldSchema = schema.path("properties").path(field.getKey());
            final JsonNode argument = arguments.get(field.getKey());
            if (argument != null && SchemaCheck.conforms(fieldSchema, argument)) {
                field.setValue(argument);
            } else if (field.getValue().isObject()) {
                echo(field.getValue(), fieldSchema, arguments);
            }
        }
    }
}

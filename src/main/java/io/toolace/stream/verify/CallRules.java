package io.toolace.stream.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Call executability: every call names a declared tool, passes its required parameters and no
 * others, and every argument (nested items and keys included) has the declared type and meets the
 * declared constraints. Nothing is executed.
 */
final class CallRules {

    private CallRules() {}

    static void check(final List<Message> messages, final Map<String, ApiRules.CompiledTool> tools, final Findings findings) {
        for (int turn = 0; turn < messages.size(); turn++) {
            final Message message = messages.get(turn);
            // A turn the reader could not fully read is reported once, for what the reader found.
            if (message.issue() == null) {
                final List<FunctionCall> calls = message.calls();
                for (int k = 0; k < calls.size(); k++) {
                    final String label = calls.size() == 1 ? calls.get(k).name() : calls.get(k).name() + " (call " + (k + 1) + " of " + calls.size() + ")";
                    checkCall(calls.get(k), label, turn, tools, findings);
                }
            }
        }
    }

    /** @param fn the call's name for messages, with its position when the turn has several calls */
    private static void checkCall(final FunctionCall call, final String fn, final int turn,
            final Map<String, ApiRules.CompiledTool> tools, final Findings findings) {
        if (call.name() == null) {
            findings.add(Rule.DIALOG_MISSING_FIELD, turn, "a call has no function name");
            return;
        }
        final ApiRules.CompiledTool tool = tools.get(call.name());
        if (tool == null) {
            findings.add(Rule.CALL_UNKNOWN_FUNCTION, turn, "'" + call.name() + "' is not a declared tool" + suggestion(call.name(), tools));
            return;
        }
        final ParamSchema parameters = tool.parameters();
        final Map<String, ParamSchema> declared = parameters == null || parameters.properties() == null ? Map.of() : parameters.properties();
        final boolean undeclaredAllowed = parameters != null && parameters.allowsUndeclared(true);
        final ParamSchema.Sink sink = (rule, path, message) -> findings.add(rule, turn, fn + ": '" + path + "' " + message);
        if (findings.on(Rule.CALL_TYPE_MISMATCH)) {
            checkFinite(call.arguments(), sink);
        }
        List<String> unknown = null;
        final Iterator<Map.Entry<String, JsonNode>> args = call.arguments().fields();
        while (args.hasNext()) {
            final Map.Entry<String, JsonNode> arg = args.next();
            final ParamSchema schema = declared.get(arg.getKey());
            if (schema != null) {
                schema.check(arg.getValue(), arg.getKey(), sink);
            } else if (!undeclaredAllowed) {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(arg.getKey());
            }
        }
        if (unknown != null) {
            findings.add(Rule.CALL_UNKNOWN_PARAM, turn, fn + ": " + names(unknown) + (unknown.size() == 1 ? " is" : " are")
                    + " not declared; declared: " + (declared.isEmpty() ? "none" : names(declared.keySet())));
        }
        if (parameters != null && !parameters.required().isEmpty()) {
            List<String> missing = null;
            for (final String name : parameters.required()) {
                if (!call.arguments().has(name)) {
                    if (missing == null) {
                        missing = new ArrayList<>(2);
                    }
                    missing.add(name);
                }
            }
            if (missing != null) {
                findings.add(Rule.CALL_MISSING_REQUIRED, turn, fn + ": required " + names(missing) + " missing");
            }
        }
    }

    /**
     * Reports each argument holding an infinite number, at any depth and whatever the schema says:
     * Jackson reads {@code 1e999} as infinity, which neither JSON nor the call syntax can write, so
     * a sample carrying one could not be exported.
     */
    private static void checkFinite(final ObjectNode arguments, final ParamSchema.Sink sink) {
        final ArrayDeque<JsonNode> pending = new ArrayDeque<>();
        final Iterator<Map.Entry<String, JsonNode>> args = arguments.fields();
        while (args.hasNext()) {
            final Map.Entry<String, JsonNode> arg = args.next();
            pending.clear();
            pending.push(arg.getValue());
            while (!pending.isEmpty()) {
                final JsonNode value = pending.pop();
                if (ParamSchema.isInfinite(value)) {
                    sink.report(Rule.CALL_TYPE_MISMATCH, arg.getKey(), "holds a number beyond the range of a double, which JSON cannot carry");
                    break;
                }
                if (value.isContainerNode()) {
                    value.forEach(pending::push);
                }
            }
        }
    }

    /** Points at the declared tool a mangled name most likely meant: same name ignoring case, or the only one ending with it. */
    private static String suggestion(final String called, final Map<String, ApiRules.CompiledTool> tools) {
        final String lower = called.toLowerCase(Locale.ROOT);
        String candidate = null;
        for (final ApiRules.CompiledTool tool : tools.values()) {
            final ToolSpec spec = tool.spec();
            final String name = spec.name().toLowerCase(Locale.ROOT);
            if (name.equals(lower)) {
                return "; did you mean '" + spec.name() + "'?";
            }
            if (name.endsWith(lower)) {
                if (candidate != null) {
                    return "";
                }
                candidate = spec.name();
            }
        }
        return candidate == null ? "" : "; did you mean '" + candidate + "'?";
    }

    private static String names(final Iterable<String> names) {
        final StringBuilder out = new StringBuilder();
        for (final String name : names) {
            out.append(out.length() == 0 ? "" : ", ").append('\'').append(name).append('\'');
        }
        return out.toString();
    }
}

package io.toolace.stream.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.List;
import java.util.Locale;

/**
 * How the dialog agents' and judges' prompts show tools and turns: one line per tool as compact JSON,
 * one numbered line per turn ({@code [3] assistant calls: ...}), so a judge can name a turn by the
 * same index the pipeline uses, and a long dialog costs few tokens.
 */
final class Transcript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Transcript() {}

    /**
     * The tools, one per line: name, description, parameters schema and, when {@code withResponse},
     * the response schema (the tool agent and the tool-response judge need it, the others do not).
     */
    static String tools(final List<ApiDefinition> tools, final boolean withResponse) {
        if (tools.isEmpty()) {
            return "(no tools)";
        }
        final StringBuilder out = new StringBuilder();
        for (final ApiDefinition api : tools) {
            final ObjectNode tool = JSON.createObjectNode()
                    .put("name", api.getName())
                    .put("description", api.getDescription());
            tool.set("parameters", tree(api.getParameters()));
            if (withResponse) {
                tool.set("response", tree(api.getResponse()));
            }
            out.append(out.length() == 0 ? "" : "\n").append(compact(tool));
        }
        return out.toString();
    }

    /**
     * The turns, numbered from 0. {@code spokenOnly} keeps what a user sees, the user's and the
     * assistant's messages, and leaves out calls and tool results, which a real user never reads.
     */
    static String turns(final List<Turn> turns, final boolean spokenOnly) {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < turns.size(); i++) {
            final Turn turn = turns.get(i);
            final boolean calls = !turn.getCalls().isEmpty();
            if (spokenOnly && (turn.getRole() == Role.TOOL || calls)) {
                continue;
            }
            out.append(out.length() == 0 ? "" : "\n").append('[').append(i).append("] ")
                    .append(turn.getRole().name().toLowerCase(Locale.ROOT));
            if (turn.getRole() == Role.TOOL) {
                out.append(": ");
                for (int r = 0; r < turn.getResults().size(); r++) {
                    final ToolResult result = turn.getResults().get(r);
                    out.append(r == 0 ? "" : "; ").append(result.getName()).append(" -> ").append(result.getResults());
                }
                continue;
            }
            if (calls) {
                out.append(" calls: ");
                for (int c = 0; c < turn.getCalls().size(); c++) {
                    final FunctionCall call = turn.getCalls().get(c);
                    out.append(c == 0 ? "" : ", ").append(call.getName()).append('(').append(call.getArguments())
                            .append(')');
                }
                if (hasText(turn)) {
                    out.append(" and says: ").append(indented(turn.getText()));
                }
                continue;
            }
            out.append(": ").append(hasText(turn) ? indented(turn.getText()) : "(empty message)");
        }
        return out.length() == 0 ? "(no turns yet)" : out.toString();
    }

    private static boolean hasText(final Turn turn) {
        return turn.getText() != null && !turn.getText().isBlank();
    }

    /** Continuation lines indented, so a multi-line message never looks like the next turn. */
    private static String indented(final String text) {
        return text.strip().replace("\n", "\n    ");
    }

    /** A schema from the pool as a tree; an unreadable one is shown as its text rather than dropped. */
    private static JsonNode tree(final String schema) {
        try {
            return schema == null || schema.isBlank() ? JSON.createObjectNode() : JSON.readTree(schema);
        } catch (final JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(schema);
        }
    }

    static String compact(final JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}

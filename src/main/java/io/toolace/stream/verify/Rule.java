package io.toolace.stream.verify;

import java.util.Locale;

/**
 * The rule catalogue of Dual-Layer Verification. The ids are stable: users filter reports on them,
 * and the pipeline's pass-rate metrics are keyed by them.
 */
public enum Rule {

    API_NAME_INVALID(Layer.RULE, "a tool has no name, or its name or a parameter's cannot be written in the call syntax"),
    API_DESCRIPTION_MISSING(Layer.RULE, "a tool has no description"),
    API_SCHEMA_INVALID(Layer.RULE, "a tool's parameter schema is not a valid object schema (types, required, enum, bounds)"),
    API_DUPLICATE_NAME(Layer.RULE, "two tools of one sample share a name"),

    CALL_PARSE_ERROR(Layer.RULE, "a call list or its arguments do not parse"),
    CALL_UNKNOWN_FUNCTION(Layer.RULE, "a call names no declared tool"),
    CALL_MISSING_REQUIRED(Layer.RULE, "a call omits a required parameter"),
    CALL_UNKNOWN_PARAM(Layer.RULE, "a call passes a parameter its tool does not declare"),
    CALL_TYPE_MISMATCH(Layer.RULE, "an argument (or a nested item) has the wrong type"),
    CALL_CONSTRAINT_VIOLATION(Layer.RULE, "an argument breaks an enum, pattern, format, range or length constraint"),

    DIALOG_UNREADABLE(Layer.RULE, "the record cannot be read as a sample of its format"),
    DIALOG_MISSING_FIELD(Layer.RULE, "a turn or the dialog lacks a field its format requires"),
    DIALOG_EMPTY_TURN(Layer.RULE, "a turn has no content"),
    DIALOG_TOO_LONG(Layer.RULE, "a turn, or the dialog, exceeds the configured length"),
    DIALOG_INVALID_CHARS(Layer.RULE, "text contains control characters, U+FFFD or broken surrogates"),
    DIALOG_MIXED_LANGUAGE(Layer.RULE, "turns mix writing systems, or switch language between turns"),
    DIALOG_INCOMPLETE(Layer.RULE, "the dialog ends on a user or tool turn, or a turn is cut off"),

    CONSIST_ROLE_ORDER(Layer.RULE, "turns are out of order (e.g. a tool turn that follows no call)"),
    CONSIST_TOOL_NAME_MISMATCH(Layer.RULE, "a tool result names a function the calls before it did not call"),
    CONSIST_RESPONSE_COUNT(Layer.RULE, "a tool turn has a different number of results than there were calls"),
    CONSIST_FORMAT_VIOLATION(Layer.RULE, "a turn breaks the format its system prompt or file format prescribes"),

    MODEL_HALLUCINATION(Layer.MODEL, "an argument value appears neither in the dialog nor in the system prompt"),
    MODEL_INCONSISTENT(Layer.MODEL, "the responses do not complete the user's task within its constraints"),
    MODEL_TOOL_RESPONSE_MISMATCH(Layer.MODEL, "a simulated tool response does not fit its API definition"),
    MODEL_REPETITIVE(Layer.MODEL, "a turn is repetitive or meaningless");

    /** Which layer of Dual-Layer Verification decides a rule. */
    public enum Layer {
        /** Deterministic checks, no model, no execution. */
        RULE,
        /** LLM judges, one sub-question each, behind the gateway. */
        MODEL;

        /** The lower-case name used in reports. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Layer layer;
    private final String description;

    Rule(final Layer layer, final String description) {
        this.layer = layer;
        this.description = description;
    }

    /** The stable id, e.g. {@code CALL_MISSING_REQUIRED}. */
    public String id() {
        return name();
    }

    public Layer layer() {
        return layer;
    }

    /** One line for users, e.g. in {@code verify --help} and the documentation. */
    public String description() {
        return description;
    }
}

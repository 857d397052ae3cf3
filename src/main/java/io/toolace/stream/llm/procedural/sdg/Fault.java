package io.toolace.stream.llm.procedural.sdg;

/**
 * The faults the procedural backend injects on purpose, at most one per dialog. Each label is the id
 * of the verifier rule that must catch it, so a run measures the verifier's recall (every labelled
 * sample rejected by its rule) and precision (no clean sample rejected).
 */
public enum Fault {
    /** A call names a function that is not among the dialog's tools. */
    CALL_UNKNOWN_FUNCTION,
    /** A call leaves out a required argument. */
    CALL_MISSING_REQUIRED,
    /** A call passes an argument the API does not declare. */
    CALL_UNKNOWN_PARAM,
    /** An argument has the wrong JSON type (a string for an integer, a wrong nested item type, ...). */
    CALL_TYPE_MISMATCH,
    /** An argument is outside its enum or its minimum/maximum (the user asked for it; the assistant passed it on). */
    CALL_CONSTRAINT_VIOLATION,
    /** A tool result is named differently from the call it answers. */
    CONSIST_TOOL_NAME_MISMATCH,
    /** The tool turn has fewer results than the calls it answers. */
    CONSIST_RESPONSE_COUNT,
    /** An assistant turn has empty text. */
    DIALOG_EMPTY_TURN,
    /** An argument value of the right type and within its constraints that nothing in the dialog supports. */
    MODEL_HALLUCINATION;

    /** The agent action that carries the fault: a call turn, a tool turn, or a final answer. */
    DialogScript.Step step() {
        switch (this) {
            case CONSIST_TOOL_NAME_MISMATCH: case CONSIST_RESPONSE_COUNT:
                return DialogScript.Step.RESULT;
            case DIALOG_EMPTY_TURN:
                return DialogScript.Step.ANSWER;
            default:
                return DialogScript.Step.CALL;
        }
    }
}

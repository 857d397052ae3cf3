package io.toolace.stream.llm.openai;

/**
 * An answer that could not be turned into a result, with the precise reason. An expected outcome
 * of talking to a model, not a bug, so it carries no stack trace.
 */
public final class AnswerRejected extends Exception {

    private static final long serialVersionUID = 1L;

    public AnswerRejected(final String reason) {
        super(reason, null, false, false);
    }
}

package io.toolace.stream.llm.openai;

/**
 * A chat-completions call that gave no usable answer: a non-2xx status, or a 2xx body that is not
 * a chat completion. The status code stays available so that a retry policy can tell a 429 or 503
 * from a 400.
 */
public final class OpenAiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String bodyExcerpt;
    private final int attempts;

    public OpenAiException(final int statusCode, final String problem, final String bodyExcerpt) {
        this(statusCode, problem, bodyExcerpt, 1);
    }

    /** The outcome of a call that took {@code attempts} attempts; the message says how many when more than one. */
    public OpenAiException(final int statusCode, final String problem, final String bodyExcerpt, final int attempts) {
        super("HTTP " + statusCode + ": " + problem + (attempts > 1 ? " after " + attempts + " attempts" : "")
                + (bodyExcerpt.isEmpty() ? "" : ": " + bodyExcerpt));
        this.statusCode = statusCode;
        this.bodyExcerpt = bodyExcerpt;
        this.attempts = attempts;
    }

    /** The HTTP status the server answered with. */
    public int statusCode() {
        return statusCode;
    }

    /** HTTP attempts the call made, the first included. */
    public int attempts() {
        return attempts;
    }

    /** The start of the response body, for diagnosis. */
    public String bodyExcerpt() {
        return bodyExcerpt;
    }
}

package io.toolace.stream.format;

/** A call list that does not parse, with the character offset where parsing stopped. */
public final class CallParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int position;
    private final String reason;

    public CallParseException(final int position, final String reason) {
        super("at character " + position + ": " + reason, null, false, false);
        this.position = position;
        this.reason = reason;
    }

    /** 0-based offset into the parsed text. */
    public int position() {
        return position;
    }

    public String reason() {
        return reason;
    }
}

package io.toolace.stream.llm.openai;

import java.io.IOException;

/**
 * A call refused without being sent: its endpoint failed too often in a row and is cooling down.
 * An expected state of a dead endpoint, not a bug, so it carries no stack trace.
 */
public final class CircuitOpenException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    CircuitOpenException(final String message, final int attempts) {
        super(message);
        this.attempts = attempts;
        setStackTrace(new StackTraceElement[0]);
    }

    /** Attempts the call had sent before the circuit refused it; 0 when it refused the first. */
    public int attempts() {
        return attempts;
    }
}

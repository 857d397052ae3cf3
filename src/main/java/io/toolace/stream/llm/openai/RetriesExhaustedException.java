package io.toolace.stream.llm.openai;

import java.io.IOException;

/**
 * A call whose every attempt failed in transport (timeout, refused or broken connection), or that
 * ran out of time before its next attempt; the last failure is the cause. A call whose last
 * attempt got an HTTP status ends as an {@link OpenAiException} instead, with that status.
 */
public final class RetriesExhaustedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    RetriesExhaustedException(final String message, final int attempts, final Throwable last) {
        super(message, last);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}

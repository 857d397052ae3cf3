package io.toolace.stream.kafka;

/**
 * A record a stage will not take: it reads (its schema is right) but its content breaks what the stage
 * needs, and the stage has no rejected topic for it. Thrown before the stage changes any state, so the
 * processing-exception handler ({@link DeadLetters}) routes the raw record to the dead-letter topic with
 * the message as the reason, and the stage goes on.
 */
public final class PoisonRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PoisonRecordException(final String reason) {
        // No stack trace: the reason is the whole story, and the record's producer is where to look.
        super(reason, null, false, false);
    }
}

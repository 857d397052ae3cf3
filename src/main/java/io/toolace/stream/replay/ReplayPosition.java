package io.toolace.stream.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One end of a replayed range, as the command line gives it: an offset (the same in every partition), an
 * ISO-8601 instant ({@code 2026-11-18T00:00:00Z}), or an ISO-8601 duration back from now ({@code P7D}: a
 * week ago). A time stands for the first record at or after it in each partition, as
 * {@code offsetsForTimes} finds it.
 */
public sealed interface ReplayPosition {

    /** An offset, the same in every partition. */
    record Offset(long offset) implements ReplayPosition {
        public Offset {
            if (offset < 0) {
                throw new IllegalArgumentException("an offset is at least 0, not " + offset);
            }
        }
    }

    /** The first record with a timestamp at or after this instant. */
    record Time(Instant instant) implements ReplayPosition {}

    /** Parses an offset, an instant, or a duration that counts back from {@code clock}'s now. */
    static ReplayPosition parse(final String text, final Clock clock) {
        final String value = text.strip();
        if (value.matches("\\d+")) {
            return new Offset(Long.parseLong(value));
        }
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                return new Time(clock.instant().minus(Duration.parse(value)));
            }
            return new Time(Instant.parse(value));
        } catch (final DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is no offset, ISO-8601 instant (2026-11-18T00:00:00Z)"
                    + " or ISO-8601 duration back from now (P7D)");
        }
    }
}

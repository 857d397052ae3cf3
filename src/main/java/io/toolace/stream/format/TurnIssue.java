package io.toolace.stream.format;

import java.util.Objects;

/**
 * Why a reader could only partly understand one turn. Readers never guess past such a problem and
 * never fail the whole sample for it: they keep what they could read and record the issue, and the
 * verifier reports it under the matching rule.
 *
 * @param kind what went wrong
 * @param detail a human-readable reason, with a position where there is one
 */
public record TurnIssue(Kind kind, String detail) {

    public enum Kind {
        /** The call list or call arguments do not parse. */
        CALL_SYNTAX,
        /** A field the format requires is absent or null. */
        MISSING_FIELD,
        /** The turn's value does not have the shape its format prescribes. */
        SHAPE,
        /** A tool message answers a call id that the preceding assistant turn never issued. */
        UNMATCHED_CALL_ID
    }

    public TurnIssue {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}

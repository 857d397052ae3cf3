package io.toolace.stream.format;

/** A JSON record that cannot be read as a sample of its format at all (as opposed to a sample with defects). */
public final class MalformedSampleException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedSampleException(final String message) {
        super(message, null, false, false);
    }
}

package io.toolace.stream.kafka.registry;

/**
 * A schema registry request that failed: the registry answered with an error (HTTP status and,
 * when it sent one, Confluent's {@code error_code}), or it could not be reached.
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Confluent's error codes, as both our client and our embedded registry use them. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;

    /** HTTP status, or 0 when no answer came. */
    private final int status;
    /** Confluent error code from the body (e.g. 40403 schema not found), or -1 when absent. */
    private final int errorCode;

    public RegistryException(final String message, final int status, final int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = -1;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /**
     * Whether the registry said the subject, version or schema does not exist. Registries differ in
     * the code they send for a schema missing from a subject (40401 or 40403), and some proxies send
     * no code at all, so the HTTP status counts too.
     */
    public boolean isNotFound() {
        return status == 404 || errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND
                || errorCode == SCHEMA_NOT_FOUND;
    }
}

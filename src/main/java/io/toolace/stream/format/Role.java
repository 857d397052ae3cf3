package io.toolace.stream.format;

/** Who speaks a turn. {@link #SYSTEM} only appears for a system message in the middle of a dialog. */
public enum Role {
    USER,
    ASSISTANT,
    TOOL,
    SYSTEM
}

package io.toolace.stream.format;

/** The outcome of reading one line: a sample, or the reason the line is no sample at all. */
public sealed interface ReadResult {

    /** The line's own id when it has one, else {@code null}. */
    String id();

    record Read(ToolSample sample, SampleFormat format) implements ReadResult {
        @Override
        public String id() {
            return sample.id();
        }
    }

    /**
     * @param id the record's id when the line was JSON with one, else {@code null}
     * @param reason what is wrong, for the report
     */
    record Unreadable(String id, String reason) implements ReadResult {}
}

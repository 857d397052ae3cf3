package io.toolace.stream.format;

import java.util.HashSet;
import java.util.Set;

/**
 * Drops exact repeats of exported lines: a line is kept when no earlier line had its content hash. The
 * hash is of the line as written, so two samples that differ only where the format does not look (ids,
 * lineage) are one sample to a trainer, and one line here.
 */
public final class ExactDedup {

    private final Set<String> seen = new HashSet<>();
    private long duplicates;

    /** True for the first line with this content, false (and counted) for a repeat. */
    public boolean first(final String line) {
        if (seen.add(ContentHash.of(line))) {
            return true;
        }
        duplicates++;
        return false;
    }

    public long duplicates() {
        return duplicates;
    }
}

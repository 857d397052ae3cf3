package io.toolace.stream.llm.procedural.tss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the procedural backend's data files from the classpath. */
final class Resources {

    private Resources() {}

    /**
     * The non-blank lines of a classpath resource that do not start with {@code #}, trailing
     * whitespace kept (tab-separated files may end in an empty column).
     *
     * @throws IllegalStateException when the resource is missing: the jar is broken
     */
    static List<String> dataLines(final String path) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + path);
            }
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            final List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + path, e);
        }
    }

    /** Splits a tab-separated line into exactly {@code columns} fields, or fails naming the line. */
    static String[] columns(final String path, final String line, final int columns) {
        final String[] fields = line.split("\t", -1);
        if (fields.length != columns) {
            throw new IllegalStateException(
                    path + ": expected " + columns + " tab-separated columns, got " + fields.length + " in: " + line);
        }
        return fields;
    }
}

package io.toolace.stream.format;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shared test corpora (../shared/data from the repository root, as on CI). */
public final class Corpora {

    public static final Path TOOLACE = Path.of("..", "shared", "data", "toolace");
    public static final Path TOOLACE_ORIGINAL = TOOLACE.resolve("toolace_original.jsonl");
    public static final Path SHAREGPT_FUNC = TOOLACE.resolve("sharegpt_func.jsonl");

    private Corpora() {}

    /** The non-blank lines of a corpus file; skips the calling test, with the reason, where the corpus is absent. */
    public static List<String> lines(final Path file) {
        assumeTrue(Files.isReadable(file), "corpus " + file.toAbsolutePath().normalize() + " is not present");
        try {
            return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.toolace.stream.evolution;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seed files by type, read into {@link ImportResult}s without touching Kafka:
 *
 * <ul>
 *   <li>{@code .txt}: a {@link SeedKind#TEXT} document;
 *   <li>{@code .md}, {@code .markdown}: a {@link SeedKind#MARKDOWN} document;
 *   <li>{@code .json}, {@code .yaml}, {@code .yml}: an OpenAPI 3.x or Swagger 2.0 spec, see {@link OpenApiImport}.
 * </ul>
 *
 * A text document's id is the {@link ContentHash} of its text (byte-order mark dropped, line ends
 * made {@code \n}), so the same text from two paths or two runs is one seed. Its title is the first
 * heading, else the file name ({@code acme-weather_guide.txt} gives "acme weather guide"); the
 * procedural speciation names the domain after a title when the text has no single top heading.
 */
public final class SeedFiles {

    /** What a file is taken for, by its extension. */
    public enum Type { TEXT, MARKDOWN, SPEC }

    /** The largest file read; seed documents travel as single Kafka records. */
    static final long MAX_FILE_BYTES = 16L << 20;

    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:[-*+]|\\d+[.)])\\s+.*");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\([^)]*\\)");
    /** A first line that reads as a title: short, no closing punctuation. */
    private static final int MAX_TITLE_WORDS = 12;

    static {
        TrustedClasses.trustNamedTypesOf(SeedDocument.getClassSchema());
    }

    private SeedFiles() {}

    /** The type a file name's extension stands for, empty when the file is not a seed file. */
    public static Optional<Type> typeOf(final String fileName) {
        final String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".txt")) {
            return Optional.of(Type.TEXT);
        }
        if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
            return Optional.of(Type.MARKDOWN);
        }
        if (lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return Optional.of(Type.SPEC);
        }
        return Optional.empty();
    }

    /** The extensions {@link #typeOf} knows, for messages. */
    public static List<String> extensions() {
        return List.of(".txt", ".md", ".markdown", ".json", ".yaml", ".yml");
    }

    /** Reads a seed file of any supported type; {@code source} of the document is the path as given. */
    public static ImportResult read(final Path file) {
        final String content;
        try {
            content = readText(file);
        } catch (final UnreadableFile e) {
            return new ImportResult.Failed(e.getMessage());
        }
        return read(content, file.toString());
    }

    /** Reads a seed file's content; the type comes from {@code fileName}'s extension. */
    public static ImportResult read(final String content, final String fileName) {
        final Optional<Type> type = typeOf(fileName);
        if (type.isEmpty()) {
            return new ImportResult.Failed("unsupported file type; seed files end in " + String.join(", ", extensions()));
        }
        return switch (type.get()) {
            case SPEC -> OpenApiImport.read(content, fileName);
            case TEXT -> document(content, fileName, SeedKind.TEXT);
            case MARKDOWN -> document(content, fileName, SeedKind.MARKDOWN);
        };
    }

    private static ImportResult document(final String content, final String fileName, final SeedKind kind) {
        final String text = normalise(content);
        if (text.isBlank()) {
            return new ImportResult.Failed("the document is empty");
        }
        final String title = firstHeading(text, kind == SeedKind.MARKDOWN).orElseGet(() -> titleOfFile(fileName));
        final SeedDocument seed = SeedDocument.newBuilder()
                .setId(ContentHash.of(text))
                .setTitle(title)
                .setKind(kind)
                .setText(text)
                .setSource(fileName)
                .build();
        return new ImportResult.Imported(seed, List.of(), List.of());
    }

    /** Drops a byte-order mark and makes every line end {@code \n}, so a checkout's line ends do not change an id. */
    static String normalise(final String content) {
        final String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    /**
     * The first heading: in Markdown an ATX ({@code # Title}) or setext heading outside code fences;
     * in plain text also the first line when it reads as a title (short, no closing punctuation, a
     * blank line or an underline after it).
     */
    static Optional<String> firstHeading(final String text, final boolean markdown) {
        final String[] lines = text.split("\n", -1);
        boolean inFence = false;
        boolean afterBlank = true;
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i];
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            final Matcher atx = ATX_HEADING.matcher(line);
            if (atx.matches() && !plain(atx.group(2)).isEmpty()) {
                return Optional.of(plain(atx.group(2)));
            }
            final String next = i + 1 < lines.length ? lines[i + 1] : "";
            if (!line.isBlank() && afterBlank && !LIST_ITEM.matcher(line).matches() && SETEXT.matcher(next).matches()
                    && !plain(line).isEmpty()) {
                return Optional.of(plain(line));
            }
            if (!markdown && !line.isBlank()) {
                // Plain text: only the first line may be the title.
                return looksLikeTitle(line) && next.isBlank() ? Optional.of(plain(line)) : Optional.empty();
            }
            afterBlank = line.isBlank();
        }
        return Optional.empty();
    }

    private static boolean looksLikeTitle(final String line) {
        final String trimmed = line.strip();
        return !trimmed.isEmpty() && trimmed.length() <= 100 && trimmed.split("\\s+").length <= MAX_TITLE_WORDS
                && !trimmed.matches(".*[.!?:;,]$");
    }

    /** Markdown emphasis, code marks and links reduced to their text, whitespace collapsed. */
    static String plain(final String markdown) {
        return LINK.matcher(markdown).replaceAll("$1").replace("**", "").replace("__", "").replace("`", "")
                .replaceAll("\\s+", " ").strip();
    }

    /** A title from a file name: the last segment without extension, separators as spaces. */
    static String titleOfFile(final String fileName) {
        String name = Path.of(fileName).getFileName() == null ? fileName : Path.of(fileName).getFileName().toString();
        final int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        final String title = name.replaceAll("[-_.\\s]+", " ").strip();
        return title.isEmpty() ? "Untitled" : title;
    }

    /** The file as UTF-8 text; fails with a one-line reason on I/O errors, malformed UTF-8 or a huge file. */
    static String readText(final Path file) throws UnreadableFile {
        try {
            final long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new UnreadableFile(String.format(Locale.ROOT, "the file has %.1f MB, more than the %d MB a seed file may have",
                        size / 1048576.0, MAX_FILE_BYTES >> 20));
            }
            final byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            throw new UnreadableFile("not UTF-8 text");
        } catch (final NoSuchFileException e) {
            throw new UnreadableFile("no such file");
        } catch (final IOException e) {
            throw new UnreadableFile("cannot read: " + e);
        }
    }

    /** A file that could not be read as text; the message is the reason. */
    static final class UnreadableFile extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableFile(final String reason) {
            super(reason, null, false, false);
        }
    }
}

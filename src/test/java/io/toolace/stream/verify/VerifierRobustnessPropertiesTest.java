package io.toolace.stream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.format.Corpora;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.SampleReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Reading and verifying never throw: any line, truncated or corrupted anywhere, is a sample with
 * failures or an unreadable record with a reason.
 */
class VerifierRobustnessPropertiesTest {

    private static final List<String> LINES = new ArrayList<>();
    private static final RuleVerifier VERIFIER = new RuleVerifier(RuleConfig.DEFAULTS);
    private static final SampleReader READER = SampleReader.detecting();

    @BeforeContainer
    static void lines() {
        for (final SampleFormat format : SampleFormat.values()) {
            LINES.add(format.writeLine(Samples.clean()));
        }
        final Path sharegpt = Corpora.SHAREGPT_FUNC;
        if (Files.isReadable(sharegpt)) {
            LINES.addAll(Corpora.lines(sharegpt).subList(0, 10));
            LINES.addAll(Corpora.lines(Corpora.TOOLACE_ORIGINAL));
        }
    }

    @Property(tries = 300)
    void truncatedLinesNeverThrow(@ForAll("lineIndex") final int line, @ForAll @IntRange(max = 1_000_000) final int cut) {
        final String text = LINES.get(line);

        readAndVerify(text.substring(0, cut % (text.length() + 1)));
    }

    @Property(tries = 1000)
    void corruptedLinesNeverThrow(@ForAll("lineIndex") final int line, @ForAll @IntRange(max = 1_000_000) final int at,
            @ForAll("corruptions") final String replacement, @ForAll @IntRange(max = 8) final int removed) {
        final String text = LINES.get(line);
        final int i = at % text.length();

        readAndVerify(text.substring(0, i) + replacement + text.substring(Math.min(text.length(), i + removed)));
    }

    @Property(tries = 300)
    void randomJsonNeverThrows(@ForAll("jsonish") final String text) {
        readAndVerify(text);
    }

    /** Nesting as deep as the JSON parser allows, on a thread with a small stack: reported, not a stack overflow. */
    @Example
    void hostileNestingIsReportedNotAStackOverflow() throws InterruptedException {
        final int depth = 990;
        final String schema = "{\"type\": \"dict\", \"properties\": {\"x\": " + "{\"type\": \"array\", \"items\": ".repeat(depth)
                + "{\"type\": \"string\"}" + "}".repeat(depth) + "}}";
        final String arguments = "{\\\"x\\\": " + "[".repeat(depth) + "\\\"\\\\u0000\\\"" + "]".repeat(depth) + "}";
        final String line = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"tool_calls\": "
                + "[{\"id\": \"a\", \"function\": {\"name\": \"f\", \"arguments\": \"" + arguments + "\"}}]}], "
                + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": \"d\", \"parameters\": " + schema + "}}]}";
        final List<String> rules = new ArrayList<>();
        final Thread small = new Thread(null, () -> {
            final ReadResult.Read read = (ReadResult.Read) READER.read(line);
            VERIFIER.verify(read.sample()).forEach(f -> rules.add(f.rule()));
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertThat(rules).containsExactlyInAnyOrder(Rule.API_SCHEMA_INVALID.id(), Rule.DIALOG_INVALID_CHARS.id());
    }

    private static void readAndVerify(final String line) {
        final ReadResult result = READER.read(line);
        if (result instanceof ReadResult.Read read) {
            assertThat(VERIFIER.verify(read.sample())).isNotNull();
        } else {
            assertThat(((ReadResult.Unreadable) result).reason()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Integer> lineIndex() {
        return Arbitraries.integers().between(0, LINES.size() - 1);
    }

    /** Pieces that change the meaning of JSON, of schemas and of call lists. */
    @Provide
    Arbitrary<String> corruptions() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "\"", "\\\"", "[", "]", "{", "}", ",", ":", "null", "true", "1e999", "-0", "[]", "{}",
                        "\"type\": 5", "\"required\": \"x\"", "\"properties\": []", "\"items\": 3", "\"enum\": {}",
                        "\"pattern\": \"(\"", "\"minimum\": \"a\"", "\"type\": [\"string\", 3]", "\"anyOf\": []",
                        "(", ")", "=", "'", "\\u0000", "\\ud800", "\\\\n", "\"from\": \"bot\"", "\"role\": null"),
                Arbitraries.strings().all().ofMaxLength(4));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789 abcdefghijklmnopqrstuvwxyz_\\").ofMaxLength(80)
                .map(body -> "{\"conversations\": [{\"from\": \"assistant\", \"value\": \"" + body + "\"}], \"system\": \"[" + body + "\"}");
    }
}

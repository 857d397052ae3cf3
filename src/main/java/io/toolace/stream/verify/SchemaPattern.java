package io.toolace.stream.verify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A schema's {@code pattern}, searched for in argument values so that no value, however long, can
 * stop the verifier or make its verdict depend on the machine.
 *
 * <p>Two properties of Java's regex engine matter. It backtracks: an unanchored {@code .*@.*} on a
 * long value without {@code @} takes time quadratic in the length, so a search reads the value
 * through a counter and gives up after a budget of reads proportional to its length. And it
 * recurses once per repetition of a quantified group: {@code ^(\w|\s)+$} on a few hundred characters
 * overflows a 512 KB thread stack before the JIT has compiled the engine, and on a few thousand a
 * 1 MB one. Such a pattern on a longer value is searched on a thread of its own with a stack far
 * deeper than any value up to {@link #MAX_REPEATED_GROUP_INPUT} needs; on a longer value still it is
 * not searched. A search given up is {@link Outcome#UNCHECKED}, the same outcome on every machine.
 */
final class SchemaPattern {

    enum Outcome { FOUND, NOT_FOUND, UNCHECKED }

    /**
     * Patterns by source. Tool schemas repeat across samples (an API pool is finite), so caching
     * avoids recompiling a regex per sample. Bounded crudely: cleared when full.
     */
    private static final Map<String, SchemaPattern> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 10_000;

    /** A group followed by {@code *}, {@code +} or a {@code {n,m}} bound: the engine recurses per repetition. */
    private static final Pattern REPEATED_GROUP = Pattern.compile("\\)[*+{]");
    /** Longest value a repeated-group pattern is searched in on the caller's stack: well within 256 KB, interpreted. */
    private static final int INLINE_INPUT = 100;
    static final int MAX_REPEATED_GROUP_INPUT = 100_000;
    /** Holds well over {@link #MAX_REPEATED_GROUP_INPUT} repetitions of a thrice-nested group, interpreted. */
    private static final long DEEP_STACK_BYTES = 256L << 20;
    /** Reads per character of the value, and a floor for short ones: a linear search reads each character a few times. */
    private static final long READS_PER_CHAR = 200;
    private static final long MIN_READS = 100_000;

    private final Pattern pattern;
    private final boolean repeatsGroup;

    private SchemaPattern(final Pattern pattern) {
        this.pattern = pattern;
        this.repeatsGroup = REPEATED_GROUP.matcher(pattern.pattern()).find();
    }

    /** The pattern of a source, from the cache when it was compiled before. */
    static SchemaPattern compile(final String source) throws PatternSyntaxException {
        final SchemaPattern cached = CACHE.get(source);
        if (cached != null) {
            return cached;
        }
        final SchemaPattern compiled = new SchemaPattern(Pattern.compile(source));
        if (CACHE.size() >= MAX_CACHED) {
            CACHE.clear();
        }
        CACHE.put(source, compiled);
        return compiled;
    }

    String source() {
        return pattern.pattern();
    }

    /** Whether the pattern occurs in the value, as JSON Schema's {@code pattern} asks (unanchored). */
    Outcome find(final String value) {
        if (!repeatsGroup || value.length() <= INLINE_INPUT) {
            return search(value);
        }
        if (value.length() > MAX_REPEATED_GROUP_INPUT) {
            return Outcome.UNCHECKED;
        }
        final Outcome[] outcome = {Outcome.UNCHECKED};
        final Thread deep = new Thread(null, () -> outcome[0] = search(value), "schema-pattern", DEEP_STACK_BYTES);
        deep.start();
        try {
            deep.join();
        } catch (final InterruptedException e) {
            // The search ends on its own within its budget; the caller is being stopped, so it gets no answer.
            Thread.currentThread().interrupt();
            return Outcome.UNCHECKED;
        }
        return outcome[0];
    }

    private Outcome search(final String value) {
        try {
            return pattern.matcher(new CountedReads(value, MIN_READS + READS_PER_CHAR * value.length())).find()
                    ? Outcome.FOUND : Outcome.NOT_FOUND;
        } catch (final ReadBudgetExceeded e) {
            return Outcome.UNCHECKED;
        } catch (final StackOverflowError e) {
            // Only on a thread whose stack is far smaller than a JVM's default; the stack is unwound here.
            return Outcome.UNCHECKED;
        }
    }

    /** The value as the engine reads it, one budgeted read per character looked at. */
    private static final class CountedReads implements CharSequence {

        private final String text;
        private long readsLeft;

        CountedReads(final String text, final long budget) {
            this.text = text;
            this.readsLeft = budget;
        }

        @Override
        public char charAt(final int index) {
            if (--readsLeft < 0) {
                throw ReadBudgetExceeded.INSTANCE;
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(final int start, final int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Thrown through the regex engine to stop a search; shared and without a stack trace, since it only unwinds. */
    private static final class ReadBudgetExceeded extends RuntimeException {

        private static final long serialVersionUID = 1L;
        static final ReadBudgetExceeded INSTANCE = new ReadBudgetExceeded();

        private ReadBudgetExceeded() {
            super("read budget exceeded", null, false, false);
        }
    }
}

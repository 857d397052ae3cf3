package io.toolace.stream.llm.procedural.sdg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Generates strings that match a regular expression of the subset API schemas use for identifiers
 * and codes: anchors {@code ^ $}, literal and escaped characters, {@code .}, classes such as
 * {@code [A-Z]} {@code [a-z0-9_-]} {@code [^...]}, {@code \d \w \s}, each optionally quantified by
 * {@code {n}} {@code {n,m}} {@code {n,}} {@code + ? *}. Groups and alternation are refused with an
 * error naming the position, so an unsupported schema fails loudly instead of yielding a wrong value.
 *
 * <p>A pattern is a chain of atoms, each a character set repeated between a minimum and a maximum
 * count; generating is choosing the counts (within the string's length bounds) and the characters.
 */
public final class RegexForge {

    private static final String DIGITS = "0123456789";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String WORD = UPPER + LOWER + DIGITS + "_";
    /** Printable ASCII without quote and backslash: the universe a negated class is taken from. */
    private static final String PRINTABLE = printable();
    /** Open-ended quantifiers ({@code * + {n,}}) add at most this many repeats, to keep values short. */
    private static final int OPEN_SPREAD = 3;
    private static final int UNBOUNDED = Integer.MAX_VALUE;
    /** Bounds the parse cache, since an evolving pool keeps inventing patterns. */
    private static final int CACHE_LIMIT = 10_000;
    private static final Map<String, RegexForge> PARSED = new ConcurrentHashMap<>();

    private final String pattern;
    private final List<Atom> atoms;

    private record Atom(String chars, int min, int max) {}

    private RegexForge(final String pattern, final List<Atom> atoms) {
        this.pattern = pattern;
        this.atoms = atoms;
    }

    /** The parsed pattern, cached: pool APIs repeat the same few patterns. */
    public static RegexForge of(final String pattern) {
        if (PARSED.size() > CACHE_LIMIT) {
            PARSED.clear();
        }
        return PARSED.computeIfAbsent(pattern, p -> new RegexForge(p, new Parser(p).atoms()));
    }

    /** A string matching the pattern whose length lies in [minLength, maxLength]. */
    public String generate(final SplittableRandom rnd, final int minLength, final int maxLength) {
        final int[] counts = new int[atoms.size()];
        int total = 0;
        for (int i = 0; i < counts.length; i++) {
            final Atom a = atoms.get(i);
            final int softMax = a.max == UNBOUNDED ? a.min + OPEN_SPREAD : a.max;
            counts[i] = a.min + rnd.nextInt(softMax - a.min + 1);
            total += counts[i];
        }
        total = fitLength(counts, total, minLength, maxLength);
        final StringBuilder out = new StringBuilder(total);
        for (int i = 0; i < counts.length; i++) {
            final String chars = atoms.get(i).chars;
            for (int n = 0; n < counts[i]; n++) {
                out.append(chars.charAt(rnd.nextInt(chars.length())));
            }
        }
        return out.toString();
    }

    /** Moves repeat counts toward the length bounds, one repeat at a time, atom by atom. */
    private int fitLength(final int[] counts, final int start, final int minLength, final int maxLength) {
        int total = start;
        for (int i = 0; i < counts.length && total < minLength; i++) {
            final int room = atoms.get(i).max == UNBOUNDED ? minLength - total : atoms.get(i).max - counts[i];
            final int add = Math.min(room, minLength - total);
            counts[i] += add;
            total += add;
        }
        for (int i = counts.length - 1; i >= 0 && total > maxLength; i--) {
            final int drop = Math.min(counts[i] - atoms.get(i).min, total - maxLength);
            counts[i] -= drop;
            total -= drop;
        }
        if (total < minLength || total > maxLength) {
            throw new IllegalArgumentException("pattern " + pattern + " cannot produce a string of length "
                    + minLength + ".." + (maxLength == UNBOUNDED ? "" : maxLength));
        }
        return total;
    }

    private static String printable() {
        final StringBuilder s = new StringBuilder();
        for (char c = '!'; c <= '~'; c++) {
            if (c != '"' && c != '\\') {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** Recursive-descent reader of the subset; one instance per pattern. */
    private static final class Parser {
        private final String p;
        private int pos;
        private final List<Atom> atoms = new ArrayList<>();

        Parser(final String pattern) {
            this.p = pattern;
        }

        List<Atom> atoms() {
            if (pos < p.length() && p.charAt(pos) == '^') {
                pos++;
            }
            while (pos < p.length()) {
                final char c = p.charAt(pos);
                if (c == '$' && pos == p.length() - 1) {
                    pos++;
                    break;
                }
                final String chars = atomChars();
                final int[] q = quantifier();
                atoms.add(new Atom(chars, q[0], q[1]));
            }
            return List.copyOf(atoms);
        }

        private String atomChars() {
            final char c = p.charAt(pos);
            switch (c) {
                case '[':
                    return charClass();
                case '\\':
                    return escape(false);
                case '.':
                    pos++;
                    return UPPER + LOWER + DIGITS;
                case '(': case ')': case '|':
                    throw unsupported("groups and alternation");
                case '^': case '$':
                    throw unsupported("an anchor inside the pattern");
                case '*': case '+': case '?': case '{':
                    throw unsupported("a quantifier without an atom");
                default:
                    pos++;
                    return String.valueOf(c);
            }
        }

        /** Reads {@code \x} at pos; inside a class a shorthand contributes its set, outside it is an atom. */
        private String escape(final boolean inClass) {
            if (pos + 1 >= p.length()) {
                throw unsupported("a trailing backslash");
            }
            final char e = p.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case 'd': return DIGITS;
                case 'w': return WORD;
                case 's': return " ";
                case 'D': return UPPER + LOWER;
                case 'W': return "-";
                case 'S': return UPPER + LOWER + DIGITS;
                case 't': return "\t";
                case 'b': case 'B':
                    if (inClass) {
                        throw unsupported("a backspace escape");
                    }
                    throw unsupported("word boundaries");
                default:
                    if (Character.isLetterOrDigit(e)) {
                        throw unsupported("the escape \\" + e);
                    }
                    return String.valueOf(e);
            }
        }

        private String charClass() {
            pos++; // '['
            final boolean negated = pos < p.length() && p.charAt(pos) == '^';
            if (negated) {
                pos++;
            }
            final StringBuilder set = new StringBuilder();
            boolean first = true;
            while (true) {
                if (pos >= p.length()) {
                    throw unsupported("an unclosed character class");
                }
                final char c = p.charAt(pos);
                if (c == ']' && !first) {
                    pos++;
                    break;
                }
                first = false;
                if (c == '\\') {
                    set.append(escape(true));
                    continue;
                }
                pos++;
                if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                    final char to = p.charAt(pos + 1);
                    if (to == '\\' || to < c) {
                        throw unsupported("the range " + c + "-" + to);
                    }
                    for (char x = c; x <= to; x++) {
                        set.append(x);
                    }
                    pos += 2;
                } else {
                    set.append(c);
                }
            }
            final String chars = negated ? without(set.toString()) : set.toString();
            if (chars.isEmpty()) {
                throw unsupported("a character class matching nothing");
            }
            return chars;
        }

        private static String without(final String excluded) {
            final StringBuilder s = new StringBuilder();
            for (int i = 0; i < PRINTABLE.length(); i++) {
                if (excluded.indexOf(PRINTABLE.charAt(i)) < 0) {
                    s.append(PRINTABLE.charAt(i));
                }
            }
            return s.toString();
        }

        /** Returns {min, max} for the quantifier at pos ({1, 1} when there is none). */
        private int[] quantifier() {
            if (pos >= p.length()) {
                return new int[] {1, 1};
            }
            final int[] q;
            switch (p.charAt(pos)) {
                case '?': q = new int[] {0, 1}; pos++; break;
                case '*': q = new int[] {0, UNBOUNDED}; pos++; break;
                case '+': q = new int[] {1, UNBOUNDED}; pos++; break;
                case '{': q = braces(); break;
                default: return new int[] {1, 1};
            }
            if (pos < p.length() && (p.charAt(pos) == '?' || p.charAt(pos) == '+')) {
                pos++; // lazy or possessive: the same strings match
            }
            if (pos < p.length() && "*+?{".indexOf(p.charAt(pos)) >= 0) {
                throw unsupported("a quantifier on a quantifier");
            }
            return q;
        }

        private int[] braces() {
            final int close = p.indexOf('}', pos);
            if (close < 0) {
                throw unsupported("an unclosed quantifier");
            }
            final String body = p.substring(pos + 1, close);
            pos = close + 1;
            try {
                final int comma = body.indexOf(',');
                if (comma < 0) {
                    final int n = Integer.parseInt(body.trim());
                    return new int[] {n, n};
                }
                final int min = Integer.parseInt(body.substring(0, comma).trim());
                final String rest = body.substring(comma + 1).trim();
                final int max = rest.isEmpty() ? UNBOUNDED : Integer.parseInt(rest);
                if (max < min) {
                    throw unsupported("the quantifier {" + body + "}");
                }
                return new int[] {min, max};
            } catch (final NumberFormatException e) {
                throw unsupported("the quantifier {" + body + "}");
            }
        }

        private IllegalArgumentException unsupported(final String what) {
            return new IllegalArgumentException("pattern " + p + " uses " + what + " at position " + pos
                    + ", outside the supported subset (anchors, literals, classes, \\d \\w \\s, quantifiers)");
        }
    }
}

package io.toolace.stream.llm.procedural.tss;

/**
 * The regular-expression subset that generated {@code pattern} constraints keep to, because the
 * value generator that fills arguments reads only this much: the anchors {@code ^} and {@code $},
 * literal and escaped characters, {@code \d} and {@code \w}, character classes with ranges
 * ({@code [A-Z0-9_-]}), and the quantifiers {@code {n}}, {@code {n,m}}, {@code +}, {@code ?} and
 * {@code *} on a single atom. No groups, no alternation, no dot.
 */
final class PatternSubset {

    private static final String SPECIAL = "^$.|?*+()[]{}\\";

    private PatternSubset() {}

    static boolean allowed(final String pattern) {
        int i = 0;
        final int n = pattern.length();
        if (i < n && pattern.charAt(i) == '^') {
            i++;
        }
        boolean atom = false;
        while (i < n) {
            final char c = pattern.charAt(i);
            if (c == '$') {
                return i == n - 1;
            }
            if (c == '\\') {
                if (i + 1 >= n || Character.isLetterOrDigit(pattern.charAt(i + 1)) && !isClassEscape(pattern.charAt(i + 1))) {
                    return false;
                }
                i += 2;
                atom = true;
            } else if (c == '[') {
                final int end = classEnd(pattern, i);
                if (end < 0) {
                    return false;
                }
                i = end + 1;
                atom = true;
            } else if (c == '{' || c == '+' || c == '?' || c == '*') {
                if (!atom) {
                    return false; // a quantifier needs an atom, and only one quantifier per atom
                }
                if (c == '{') {
                    final int close = pattern.indexOf('}', i);
                    if (close < 0 || !pattern.substring(i + 1, close).matches("\\d+(,\\d+)?")) {
                        return false;
                    }
                    i = close + 1;
                } else {
                    i++;
                }
                atom = false;
            } else if (SPECIAL.indexOf(c) >= 0) {
                return false;
            } else {
                i++;
                atom = true;
            }
        }
        return true;
    }

    private static boolean isClassEscape(final char c) {
        return c == 'd' || c == 'w';
    }

    /** Index of the {@code ]} closing the class opened at {@code open}, or -1 if it is malformed. */
    private static int classEnd(final String pattern, final int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            return -1; // negated classes are outside the subset
        }
        boolean empty = true;
        while (i < pattern.length()) {
            final char c = pattern.charAt(i);
            if (c == ']' && !empty) {
                return i;
            }
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    return -1;
                }
                i += 2;
            } else if (c == '[') {
                return -1;
            } else {
                i++;
            }
            empty = false;
        }
        return -1;
    }
}

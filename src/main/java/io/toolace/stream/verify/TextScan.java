package io.toolace.stream.verify;

import java.lang.Character.UnicodeScript;

/**
 * One pass over a text that finds its first invalid character and counts its letters per writing
 * system. Reused across the texts of a sample (not thread-safe), so a scan allocates nothing once
 * its buffer has grown; texts are copied into that buffer because a loop over a char array runs
 * several times faster than one over {@code charAt}, and turn texts are most of the rule layer's work.
 *
 * <p>Invalid: C0 controls other than tab, line feed and carriage return; DEL; C1 controls;
 * U+FFFD (the mark of a decoding accident); U+FEFF inside text; the noncharacters U+FFFE and U+FFFF;
 * unpaired surrogates. Han, Hiragana and Katakana count as one writing system, since Japanese
 * mixes all three.
 */
final class TextScan {

    private static final UnicodeScript[] SCRIPTS = UnicodeScript.values();
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    private final int[] counts = new int[SCRIPTS.length];
    private final int[] touched = new int[SCRIPTS.length];
    private int touchedCount;
    private char[] buffer = new char[4096];

    private int invalidAt;
    private int invalidChar;
    private int letters;
    private UnicodeScript dominant;
    private int dominantCount;
    private UnicodeScript second;
    private int secondCount;

    /** Finds the first invalid char only, for texts whose language does not matter (system prompt, arguments). */
    void scanChars(final String text) {
        final int n = text.length();
        final char[] chars = load(text);
        invalidAt = -1;
        for (int i = 0; i < n; i++) {
            if (isSuspect(chars[i])) {
                final int next = checkSuspect(chars, i, n);
                if (next < 0) {
                    return;
                }
                i = next;
            }
        }
    }

    /** Finds the first invalid char and counts letters per writing system. */
    void scan(final String text) {
        for (int i = 0; i < touchedCount; i++) {
            counts[touched[i]] = 0;
        }
        touchedCount = 0;
        invalidAt = -1;
        int asciiLetters = 0;
        final int n = text.length();
        final char[] chars = load(text);
        for (int i = 0; i < n; i++) {
            final char c = chars[i];
            // Branch-free for the common case: an ASCII letter, or else a printable ASCII char.
            asciiLetters += (char) ((c | 0x20) - 'a') < 26 ? 1 : 0;
            if (c < 0x20 || c >= 0x7f) {
                i = unusual(chars, i, n);
            }
        }
        if (asciiLetters > 0) {
            count(UnicodeScript.LATIN, asciiLetters);
        }
        rank();
    }

    /**
     * Handles a control or non-ASCII char at {@code i}: records it when invalid, counts it when a
     * letter; returns the index of the last char it consumed (the low half of a surrogate pair).
     */
    private int unusual(final char[] chars, final int i, final int n) {
        final char c = chars[i];
        if (!isSuspect(c)) {
            countLetter(c);
            return i;
        }
        final int next = checkSuspect(chars, i, n);
        if (next > i) {
            // A valid surrogate pair: count the supplementary letter it encodes.
            countLetter(Character.toCodePoint(c, chars[next]));
            return next;
        }
        if (next == i) {
            countLetter(c);
        }
        return i;
    }

    /** Index of the first invalid char, or -1. */
    int invalidAt() {
        return invalidAt;
    }

    /** The first invalid char as {@code U+XXXX}. */
    String invalidChar() {
        return String.format("U+%04X", invalidChar);
    }

    int letters() {
        return letters;
    }

    /** The writing system of most letters, or {@code null} for a text without letters. */
    UnicodeScript dominant() {
        return dominant;
    }

    int dominantCount() {
        return dominantCount;
    }

    /** The writing system with the second most letters, or {@code null}. */
    UnicodeScript second() {
        return second;
    }

    int secondCount() {
        return secondCount;
    }

    private char[] load(final String text) {
        if (text.length() > MAX_KEPT_BUFFER) {
            // A rare giant text gets a buffer of its own, so a thread does not hold megabytes for good.
            return text.toCharArray();
        }
        if (buffer.length < text.length()) {
            buffer = new char[Math.max(text.length(), buffer.length * 2)];
        }
        text.getChars(0, text.length(), buffer, 0);
        return buffer;
    }

    /** A cheap range test that lets every ordinary char through; {@link #checkSuspect} decides the rest. */
    private static boolean isSuspect(final char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c >= 0xD800;
    }

    /**
     * Decides a suspect char at {@code i}: records it when invalid (returning -1 once the first is
     * known, so a chars-only scan can stop); returns the index of the low half for a valid
     * surrogate pair, and {@code i} for a valid char.
     */
    private int checkSuspect(final char[] chars, final int i, final int n) {
        final char c = chars[i];
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
            return i + 1;
        }
        final boolean invalid = c < 0x20 ? c != '\t' && c != '\n' && c != '\r'
                : c <= 0x9f || Character.isSurrogate(c) || c == 0xFFFD || c == 0xFEFF || c == 0xFFFE || c == 0xFFFF;
        if (!invalid) {
            return i;
        }
        if (invalidAt < 0) {
            invalidAt = i;
            invalidChar = c;
        }
        return -1;
    }

    private void countLetter(final int cp) {
        if (Character.isLetter(cp)) {
            final UnicodeScript script = UnicodeScript.of(cp);
            count(script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA ? UnicodeScript.HAN : script, 1);
        }
    }

    private void count(final UnicodeScript script, final int n) {
        final int k = script.ordinal();
        if (counts[k] == 0) {
            touched[touchedCount++] = k;
        }
        counts[k] += n;
    }

    private void rank() {
        letters = 0;
        dominant = null;
        second = null;
        dominantCount = 0;
        secondCount = 0;
        for (int i = 0; i < touchedCount; i++) {
            final int k = touched[i];
            final int n = counts[k];
            letters += n;
            if (n > dominantCount) {
                second = dominant;
                secondCount = dominantCount;
                dominant = SCRIPTS[k];
                dominantCount = n;
            } else if (n > secondCount) {
                second = SCRIPTS[k];
                secondCount = n;
            }
        }
    }
}

package io.toolace.stream.verify;

import java.lang.Character.UnicodeScript;

/**
 * One pass over a text that finds its first invalid character and counts its letters per writing
 * system. Reused across the texts of a sample (not thread-safe) so a scan allocates nothing.
 *
 * <p>Invalid: C0 controls other than tab, line feed and carriage return; DEL; C1 controls;
 * U+FFFD (the mark of a decoding accident); U+FEFF inside text; the noncharacters U+FFFE and U+FFFF;
 * unpaired surrogates. Han, Hiragana and Katakana count as one writing system, since Japanese
 * mixes all three.
 */
final class TextScan {

    private static final UnicodeScript[] SCRIPTS = UnicodeScript.values();

    private final int[] counts = new int[SCRIPTS.length];
    private final int[] touched = new int[SCRIPTS.length];
    private int touchedCount;

    private int invalidAt;
    private int invalidChar;
    private int letters;
    private UnicodeScript dominant;
    private int dominantCount;
    private UnicodeScript second;
    private int secondCount;

    void scan(final String text) {
        for (int i = 0; i < touchedCount; i++) {
            counts[touched[i]] = 0;
        }
        touchedCount = 0;
        invalidAt = -1;
        int asciiLetters = 0;
        final int n = text.length();
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != 0x7f) {
                    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                        asciiLetters++;
                    }
                } else if (c != '\t' && c != '\n' && c != '\r') {
                    invalid(i, c);
                }
                continue;
            }
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c) || c <= 0x9f || c == 0xFFFD || c == 0xFEFF || c == 0xFFFE || c == 0xFFFF) {
                invalid(i, c);
                continue;
            }
            if (Character.isLetter(cp)) {
                count(group(UnicodeScript.of(cp)), 1);
            }
        }
        if (asciiLetters > 0) {
            count(UnicodeScript.LATIN, asciiLetters);
        }
        rank();
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

    /** The writing system with the second most letters, or {@code null}. */
    UnicodeScript second() {
        return second;
    }

    int secondCount() {
        return secondCount;
    }

    int dominantCount() {
        return dominantCount;
    }

    private void invalid(final int index, final char c) {
        if (invalidAt < 0) {
            invalidAt = index;
            invalidChar = c;
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

    private static UnicodeScript group(final UnicodeScript script) {
        return script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA ? UnicodeScript.HAN : script;
    }
}

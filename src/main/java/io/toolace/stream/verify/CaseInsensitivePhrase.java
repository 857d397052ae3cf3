package io.toolace.stream.verify;

import java.util.Arrays;

/**
 * A phrase found in a text regardless of case, by Boyer-Moore-Horspool: a search compares about one
 * char in every phrase-length of text. The calls-only markers are looked up in every sample's system
 * prompt, several kilobytes each, so a char-by-char search (or a case-insensitive regex) would cost
 * more than all other rules of a ToolACE sample together.
 *
 * <p>Case is ignored char by char ({@link Character#toLowerCase(char)}), which covers the
 * prompts' languages; full Unicode case folding (e.g. German sharp s) is not attempted.
 */
final class CaseInsensitivePhrase {

    private final char[] folded;
    private final int[] asciiSkip = new int[128];

    CaseInsensitivePhrase(final String phrase) {
        if (phrase.isEmpty()) {
            throw new IllegalArgumentException("an empty phrase is in every text");
        }
        folded = new char[phrase.length()];
        for (int i = 0; i < folded.length; i++) {
            folded[i] = fold(phrase.charAt(i));
        }
        Arrays.fill(asciiSkip, folded.length);
        for (int i = 0; i < folded.length - 1; i++) {
            if (folded[i] < 128) {
                asciiSkip[folded[i]] = folded.length - 1 - i;
            }
        }
    }

    boolean isIn(final String text) {
        final int m = folded.length;
        int end = m - 1;
        while (end < text.length()) {
            int k = 0;
            while (k < m && fold(text.charAt(end - k)) == folded[m - 1 - k]) {
                k++;
            }
            if (k == m) {
                return true;
            }
            end += skip(fold(text.charAt(end)));
        }
        return false;
    }

    /** How far the phrase may move when {@code c} is under its last char: to the next occurrence of c within it. */
    private int skip(final char c) {
        if (c < 128) {
            return asciiSkip[c];
        }
        for (int i = folded.length - 2; i >= 0; i--) {
            if (folded[i] == c) {
                return folded.length - 1 - i;
            }
        }
        return folded.length;
    }

    private static char fold(final char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(c);
    }
}

package io.toolace.stream.verify;

import java.util.Arrays;
import java.util.List;

/**
 * Whether any of a few phrases is in a text regardless of case, in one pass (Set-Horspool): a window as
 * long as the shortest phrase moves along the text, and at each stop every phrase is compared
 * backwards from the window's end. The calls-only markers are looked up in every sample's system
 * prompt, several kilobytes each, so one search per marker (or a case-insensitive regex) would cost more
 * than the other rules of a ToolACE sample together. One pass also stops at the first marker in the
 * text: ToolACE's prompt states one in its head and the other after its tool list.
 *
 * <p>Case is ignored char by char ({@link Character#toLowerCase(char)}), which covers the
 * prompts' languages; full Unicode case folding (e.g. German sharp s) is not attempted.
 */
final class CaseInsensitivePhrases {

    private final char[][] folded;
    private final int shortest;
    /** How far the window may move when an ASCII char is under its last position. */
    private final int[] asciiSkip = new int[128];

    CaseInsensitivePhrases(final List<String> phrases) {
        if (phrases.isEmpty() || phrases.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("no phrase, or an empty phrase, which is in every text");
        }
        folded = new char[phrases.size()][];
        int min = Integer.MAX_VALUE;
        for (int p = 0; p < folded.length; p++) {
            final String phrase = phrases.get(p);
            folded[p] = new char[phrase.length()];
            for (int i = 0; i < phrase.length(); i++) {
                folded[p][i] = fold(phrase.charAt(i));
            }
            min = Math.min(min, phrase.length());
        }
        shortest = min;
        Arrays.fill(asciiSkip, shortest);
        for (int c = 0; c < 128; c++) {
            asciiSkip[c] = computeSkip((char) c);
        }
    }

    boolean isIn(final String text) {
        int end = shortest - 1;
        while (end < text.length()) {
            for (final char[] phrase : folded) {
                if (endsAt(phrase, text, end)) {
                    return true;
                }
            }
            final char c = fold(text.charAt(end));
            end += c < 128 ? asciiSkip[c] : computeSkip(c);
        }
        return false;
    }

    private static boolean endsAt(final char[] phrase, final String text, final int end) {
        final int m = phrase.length;
        if (end + 1 < m) {
            return false;
        }
        int k = 0;
        while (k < m && fold(text.charAt(end - k)) == phrase[m - 1 - k]) {
            k++;
        }
        return k == m;
    }

    /**
     * The smallest move after which some phrase could end with {@code c} under one of its last
     * {@code shortest - 1} chars (beyond that the window has passed c anyway).
     */
    private int computeSkip(final char c) {
        int skip = shortest;
        for (final char[] phrase : folded) {
            final int m = phrase.length;
            for (int s = 1; s < skip; s++) {
                if (phrase[m - 1 - s] == c) {
                    skip = s;
                    break;
                }
            }
        }
        return skip;
    }

    private static char fold(final char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(c);
    }
}
